/** The leadership that makes one inventory replica record liveness per database (its advisory lock key derives from it). */
export const livenessLeaseName = 'federa.inventory.liveness.leader';
