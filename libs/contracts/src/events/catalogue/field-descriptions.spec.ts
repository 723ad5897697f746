import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsHostId } from '../values/identifiers';
import { describeFields } from './field-descriptions';

class Part {
  @IsInt()
  @Min(1)
  size: number;
}

class BaseData {
  @IsHostId()
  host: string;
}

class SampleData extends BaseData {
  @IsArray()
  @ArrayUnique()
  @IsIn(['a', 'b'], { each: true })
  letters: string[];

  @IsOptional()
  @IsString()
  note?: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Part)
  parts: Part[];

  @IsUrl()
  link: string;
}

describe('describeFields', () => {
  const fields = describeFields(SampleData);
  const field = (name: string) => fields.find((f) => f.name === name);

  it('lists inherited fields first, then the class own in declaration order', () => {
    expect(fields.map((f) => f.name)).toEqual(['host', 'letters', 'note', 'parts', 'link']);
    expect(field('host')?.declaredIn).toBe('BaseData');
  });

  it('says which fields are optional', () => {
    expect(fields.filter((f) => f.optional).map((f) => f.name)).toEqual(['note']);
  });

  it('words the rules beyond the type, each-rules included', () => {
    expect(field('letters')).toMatchObject({
      type: 'string[]',
      rules: ['no duplicates', 'each one of `a`, `b`'],
    });
    expect(field('host')?.rules).toEqual(['host id: 1 to 63 of `a-z`, `0-9`, `-`']);
    expect(describeFields(Part)).toEqual([
      { name: 'size', declaredIn: 'Part', type: 'integer', optional: false, rules: ['≥ 1'] },
    ]);
  });

  it('names the nested class of an array of objects', () => {
    expect(field('parts')).toMatchObject({ type: 'Part[]', nested: Part, rules: [] });
  });

  it('words a validator it does not know with its own message', () => {
    expect(field('link')?.rules).toEqual(['must be a URL address']);
  });
});
