import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { ValidationFailed } from './field-error';
import { parsePayload, validatePayload } from './validate';

class Port {
  @IsInt()
  @Min(1)
  number: number;
}

class Item {
  @IsString()
  name: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Port)
  ports?: Port[];
}

class Order {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Item)
  items: Item[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => Port)
  main?: Port;
}

describe('validatePayload', () => {
  it('locates errors inside arrays of objects with [index] paths, at any depth', () => {
    const result = validatePayload(Order, {
      items: [{ name: 'a' }, { name: 7, ports: [{ number: 80 }, { number: 0, proto: 'tcp' }] }],
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: 'items[1].name', reason: 'must be a string' },
        { path: 'items[1].ports[1].proto', reason: 'unknown key' },
        { path: 'items[1].ports[1].number', reason: 'must not be less than 1' },
      ],
    });
  });

  it('says once that a nested value must be an object', () => {
    expect(validatePayload(Order, { items: ['x'], main: 5 })).toEqual({
      ok: false,
      errors: [
        { path: 'items[0]', reason: 'must be an object' },
        { path: 'main', reason: 'must be an object' },
      ],
    });
  });

  it('reports a missing field once, as required', () => {
    expect(validatePayload(Order, { items: [{}] })).toEqual({
      ok: false,
      errors: [{ path: 'items[0].name', reason: 'is required' }],
    });
  });

  it('refuses a payload that is not an object', () => {
    expect(validatePayload(Order, [])).toEqual({
      ok: false,
      errors: [{ path: '', reason: 'must be an object' }],
    });
  });

  it('refuses bytes and a date (YAML tags such as !!binary) as not an object', () => {
    for (const payload of [Buffer.from('x'), new Uint8Array(0), new Date(0)]) {
      expect(validatePayload(Order, payload)).toEqual({
        ok: false,
        errors: [{ path: '', reason: 'must be an object' }],
      });
    }
  });

  it('returns an instance of the class when valid, and parsePayload throws when not', () => {
    const result = validatePayload(Order, { items: [{ name: 'a', ports: [{ number: 1 }] }] });
    expect(result.ok && result.value.items[0].ports?.[0]).toBeInstanceOf(Port);
    expect(() => parsePayload(Order, { items: 1 })).toThrow(ValidationFailed);
  });

  it('refuses an array where an object is nested, even one holding valid objects', () => {
    expect(validatePayload(Order, { items: [[{ name: 'a' }], []], main: [{ number: 1 }] })).toEqual(
      {
        ok: false,
        errors: [
          { path: 'main', reason: 'must be an object' },
          { path: 'items[0]', reason: 'must be an object' },
          { path: 'items[1]', reason: 'must be an object' },
        ],
      },
    );
  });

  it('names an empty key where it stands rather than reporting it at its parent', () => {
    expect(validatePayload(Order, { items: [{ name: 'a', '': 1 }], '': {} })).toEqual({
      ok: false,
      errors: [
        { path: '[""]', reason: 'unknown key' },
        { path: 'items[0][""]', reason: 'unknown key' },
      ],
    });
  });

  it('refuses keys of Object.prototype by name instead of dropping them or throwing', () => {
    expect(validatePayload(Order, { items: [], valueOf: 1, toString: 'x' })).toEqual({
      ok: false,
      errors: [
        { path: 'valueOf', reason: 'is a reserved name, not allowed as a key' },
        { path: 'toString', reason: 'is a reserved name, not allowed as a key' },
      ],
    });
    const payload = JSON.parse(
      '{"items":[{"name":"a","__proto__":{"x":1}}],"main":{"number":1,"constructor":2}}',
    );
    expect(validatePayload(Order, payload)).toEqual({
      ok: false,
      errors: [
        { path: 'main.constructor', reason: 'is a reserved name, not allowed as a key' },
        { path: 'items[0].__proto__', reason: 'is a reserved name, not allowed as a key' },
      ],
    });
    // An unknown key whose value holds a `constructor` once made class-transformer throw.
    expect(validatePayload(Order, { items: [], colour: { constructor: [] } })).toEqual({
      ok: false,
      errors: [{ path: 'colour.constructor', reason: 'is a reserved name, not allowed as a key' }],
    });
  });

  it('refuses text the event log cannot store, NUL or a lone surrogate, in a value or a key, by name', () => {
    expect(
      validatePayload(Order, { items: [{ name: 'a\u0000b' }, { name: 'x\ud800' }], 'k\u0000': 1 }),
    ).toEqual({
      ok: false,
      errors: [
        { path: 'k\u0000', reason: 'as a key, must not contain the NUL character (U+0000)' },
        { path: 'items[1].name', reason: 'must be valid Unicode (it holds a lone surrogate)' },
        { path: 'items[0].name', reason: 'must not contain the NUL character (U+0000)' },
      ],
    });
    expect(validatePayload(Order, { items: [{ name: 'ok 💥' }] }).ok).toBe(true);
  });
});
