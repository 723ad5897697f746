import 'reflect-metadata';
import { runMain, runService } from '@federa/runtime';
import { loadInventoryConfig } from './inventory-config';
import { InventoryModule } from './inventory.module';

/** Starts the inventory service: `node dist/services/inventory/src/main.js`. */
export function startInventory(config = loadInventoryConfig()) {
  return runService(InventoryModule.forRoot(config), { name: 'inventory', config: config.federa });
}

if (require.main === module) runMain(() => startInventory());
