/** The leadership that makes one supervisor act per database (its advisory lock key derives from it). */
export const supervisionLeaseName = 'federa.supervision.leader';
