// How big a lab may be. Every limit here is one a lab of that size was
// measured to build at (README § Limits); beyond them a lab file is refused
// with the limit named, before anything is built.

/** A lab file is a few lines of YAML; a larger one is refused before it is read. */
export const MAX_LAB_FILE_BYTES = 1024 * 1024;
export const MAX_HOSTS = 200;
export const MAX_PODS_PER_HOST = 250;
/** Pods of the whole lab, whatever the hosts. */
export const MAX_PODS_PER_LAB = 1000;
export const MAX_PUBLISHED_PORTS = 500;
/** One line for the app and `podnet ls`. */
export const MAX_DESCRIPTION_CHARS = 500;
/** Problems listed for one lab file; the rest are counted ("and N more"). */
export const MAX_REPORTED_PROBLEMS = 50;
