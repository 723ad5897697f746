/** The leadership that makes one relay active per database (its advisory lock key derives from it). */
export const relayLeaseName = 'federa.relay.leader';
