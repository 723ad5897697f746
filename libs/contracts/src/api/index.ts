// What the REST API answers (and the small bodies it takes), one class per resource: the services
// type their answers with them, the CLI reads them, the gateway describes them in its OpenAPI document.
export * from './is-nullable';
export * from './api-role';
export * from './host-view';
export * from './host-page';
export * from './host-action-request';
export * from './instance-summary';
export * from './instance-page';
export * from './application-summary';
export * from './service-probe-summary';
export * from './service-summary';
export * from './service-page';
export * from './deleted-service';
export * from './copy-service-request';
export * from './placement-outcome';
export * from './placement-explanation';
export * from './placement-plan-instance';
export * from './placement-plan';
export * from './drain-plan';
export * from './migration-summary';
export * from './recorded-event-view';
export * from './event-page';
export * from './api-token-view';
export * from './api-token-page';
export * from './error-response';
export * from './cost-report';
export * from './forecast-report';
