/** Names of services and applications: `[a-z0-9-]{1,63}`, safe in stream ids and subjects. */
export const RESOURCE_NAME = /^[a-z0-9-]{1,63}$/;
export const RESOURCE_NAME_RULE =
  'must be 1 to 63 lowercase letters, digits or dashes ([a-z0-9-]{1,63})';
