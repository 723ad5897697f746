// The shapes of `GET /v1/hosts` are the API's, defined with the other answers in libs/contracts.
export type { HostPage, HostView } from '@federa/contracts';
