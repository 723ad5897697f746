import 'reflect-metadata';
import { runMain, runService } from '@federa/runtime';
import { loadSupervisionSettings } from './supervision-config';
import { SupervisionModule } from './supervision.module';

/** `federa-supervision`: service life cycles, health, self-healing and autoscaling. */
runMain(async () => {
  const settings = loadSupervisionSettings();
  return runService(SupervisionModule.forRoot(settings), { name: 'supervision', config: settings });
});
