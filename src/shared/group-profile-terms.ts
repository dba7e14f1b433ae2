/** Why a group exists (`001`): to sell, to serve customers, to widen a network, to gather an interest. */
export const GROUP_PURPOSES = ['sell', 'service', 'network', 'interest'] as const;

/** The seeds' group types (`000`: interest, resource, consultant, industry; `002`: product, knowledge, resource, project, mixed). */
export const GROUP_TYPES = ['interest', 'resource', 'consultant', 'industry', 'product', 'knowledge', 'project', 'mixed'] as const;
