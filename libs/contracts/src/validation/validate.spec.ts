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

  it('returns an instance of the class when valid, and parsePayload throws when not', () => {
    const result = validatePayload(Order, { items: [{ name: 'a', ports: [{ number: 1 }] }] });
    expect(result.ok && result.value.items[0].ports?.[0]).toBeInstanceOf(Port);
    expect(() => parsePayload(Order, { items: 1 })).toThrow(ValidationFailed);
  });
});
