// `npm run docs:events`: regenerates docs/reference/events.md from the event registry.
import { writeEventCatalogue } from './event-catalogue-file';

console.log(`wrote ${writeEventCatalogue()}`);
