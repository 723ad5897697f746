import { exportHeader, sourceWithoutCredentials } from './events-export-header';

describe('the export header', () => {
  it('names the API it was read from without its credentials', () => {
    expect(sourceWithoutCredentials('https://ops:secret@federa.example:8443/?token=x#y')).toBe(
      'https://federa.example:8443',
    );
    expect(sourceWithoutCredentials('not a url')).toBe('(unparsable API URL)');
  });

  it('says what it is and which version of the format', () => {
    expect(
      exportHeader({ exportedAt: 't', source: 's', head: 9, events: 9, after: 0 }),
    ).toMatchObject({ kind: 'federa-export', version: 1, head: 9 });
  });
});
