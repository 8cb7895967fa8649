// Enum spelling on the wire.
//
// Arize's published spec spells every enum in UPPERCASE, and a request in any other casing is an error (400). The
// older docs spelled them in lowercase; the sandbox imitates those in its explicit older-docs mode
// (Sandbox.setLowercaseEnums(true)), which the read-compatibility tests switch on: then responses use lowercase
// everywhere and requests may use any casing ('RUN_EXPERIMENT', 'run_experiment', 'Run_Experiment'), normalised to
// UPPERCASE before they are stored or compared.

/** Applied to every enum value written into a response. */
export type EnumCasing = (value: string) => string;

export const upperCaseEnums: EnumCasing = (value) => value;
export const lowerCaseEnums: EnumCasing = (value) => value.toLowerCase();

/** The canonical member of `allowed` that `raw` names in any casing, or undefined (test helpers' input). */
export function normaliseEnum<T extends string>(raw: unknown, allowed: readonly T[]): T | undefined {
	if (typeof raw !== 'string') return undefined;
	const upper = raw.toUpperCase();
	return allowed.find((value) => value === upper);
}

// Whether the request being handled may spell enums in any casing. Handlers run synchronously, one request at a time,
// so the mode is set around each handler call (handleInMode) rather than passed through every body reader.
let anyCasing = false;

export function handleInMode<T>(olderDocs: boolean, handler: () => T): T {
	const before = anyCasing;
	anyCasing = olderDocs;
	try {
		return handler();
	} finally {
		anyCasing = before;
	}
}

/** The member of `allowed` a request's value names: exactly, or in any casing in the older-docs mode. */
export function requestEnum<T extends string>(raw: unknown, allowed: readonly T[]): T | undefined {
	if (anyCasing) return normaliseEnum(raw, allowed);
	return allowed.find((value) => value === raw);
}
