import 'reflect-metadata';
import { loadConfig, runMain, runService } from '@federa/runtime';
import { PlacementModule } from './placement.module';

/** `federa-placement`: decides which host runs each instance; run several replicas. */
runMain(() => {
  const config = loadConfig();
  return runService(PlacementModule.forRoot({ config }), { name: 'placement', config });
});
