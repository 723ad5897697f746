import type { NormalisedServiceSpec } from '@federa/contracts';

/** The latest spec of every defined service, for the rules and requirements of its applications. */
export class ServiceCatalog {
  private readonly specs = new Map<string, NormalisedServiceSpec>();

  define(spec: NormalisedServiceSpec): void {
    this.specs.set(spec.name, spec);
  }

  remove(service: string): void {
    this.specs.delete(service);
  }

  get(service: string): NormalisedServiceSpec | undefined {
    return this.specs.get(service);
  }
}
