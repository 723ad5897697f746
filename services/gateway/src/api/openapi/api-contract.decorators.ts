import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiResponse } from '@nestjs/swagger';

/** A class whose schema contractSchemas() describes: one with class-validator decorators. */
type ContractClass = abstract new (...args: never[]) => object;

/** `#/components/schemas/<Class>`; the document builder adds the schema of every class referred to. */
export function contractRef(cls: ContractClass): { $ref: string } {
  return { $ref: `#/components/schemas/${cls.name}` };
}

/** The route answers `status` with a body described by `cls` (a contract class). */
export function ApiContractResponse(
  status: number,
  cls: ContractClass,
  description: string,
): MethodDecorator {
  return ApiResponse({ status, description, schema: contractRef(cls) });
}

/** The route takes a body described by `cls` (a contract class), in these content types. */
export function ApiContractBody(
  cls: ContractClass,
  options: { description: string; required?: boolean; contentTypes?: string[] },
): MethodDecorator {
  return applyDecorators(
    ApiConsumes(...(options.contentTypes ?? ['application/json'])),
    ApiBody({
      description: options.description,
      required: options.required ?? true,
      schema: contractRef(cls),
    }),
  );
}
