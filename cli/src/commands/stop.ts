import type { Command } from 'commander';
import { serviceActionCommand } from './deploy';

/** `federa stop NAME`: stop the service's applications in reverse dependency order. */
export function stopCommand(): Command {
  return serviceActionCommand('stop', 'stop a service: applications in reverse dependency order');
}
