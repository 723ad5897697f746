export { QuantityError, unwrapQuantity, type QuantityResult } from './quantity-result';
export * from './cpu';
export * from './bytes';
export * from './bandwidth';
export * from './money';
export * from './quantity-decorators';
