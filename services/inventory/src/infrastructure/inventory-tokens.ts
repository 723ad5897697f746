/** Injection tokens of the inventory module's non-class providers. */
export const INVENTORY_CONFIG = Symbol('InventoryConfig');
export const PG_POOL = Symbol('PgPool');
export const EVENT_STORE = Symbol('EventStore');
