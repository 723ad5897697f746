import { parseServiceSpec } from '@federa/contracts';
import { requestForApplication } from './request-for-application';

function spec(yaml: string) {
  const parsed = parseServiceSpec(yaml, 'yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value.normalised;
}

const shop = spec(`
apiVersion: federa/v1
kind: Service
metadata: { name: shop }
spec:
  applications:
    - { name: web, layer: process, artifact: { command: [node, w.js] }, resources: { cpu: 500m, memory: 128Mi, bandwidth: 100Mbps }, placement: { emphasis: bandwidth, sites: [geneva] } }
    - { name: payment, layer: process, artifact: { command: [node, p.js] }, resources: { cpu: 250m, memory: 128Mi }, placement: { minSecurityLevel: 3, relocatable: false } }
    - { name: db, layer: process, artifact: { command: [node, d.js] }, resources: { cpu: 1, memory: 1Gi, storage: 20Gi } }
  rules:
    - antiAffinity: [web]
    - antiAffinity: [payment, web]
    - spread: { over: site, apps: [web] }
  budget: { maxCostPerHour: 2.5 }
`);

describe('request for an application', () => {
  it('resolves the rules naming the application into application keys', () => {
    const web = requestForApplication(shop, 'web', 'shop-web-1');
    expect([...web.antiAffinity].sort()).toEqual(['shop/payment', 'shop/web']);
    expect(web.spread).toEqual([{ over: 'site', apps: ['shop/web'] }]);
    const db = requestForApplication(shop, 'db', 'shop-db-1');
    expect(db.antiAffinity).toEqual([]);
    expect(db.spread).toEqual([]);
  });

  it('carries requirements in base units with the placement settings and budget', () => {
    const web = requestForApplication(shop, 'web', 'shop-web-1');
    expect(web.resources).toEqual({
      cpu: 500,
      memory: 128 * 1024 ** 2,
      storage: 0,
      bandwidth: 100e6,
    });
    expect(web).toMatchObject({
      emphasis: 'bandwidth',
      sites: ['geneva'],
      maxCostPerHour: 2.5,
      layer: 'process',
    });
    const payment = requestForApplication(shop, 'payment', 'shop-payment-1');
    expect(payment).toMatchObject({ minSecurityLevel: 3, relocatable: false });
  });

  it('refuses an application the service does not have', () => {
    expect(() => requestForApplication(shop, 'cache', 'x')).toThrow(
      'service shop has no application cache',
    );
  });
});
