// Enum spelling on the wire.
//
// §7.2 leaves open whether the live API still accepts the pre-July-2026 lowercase values. The sandbox decides:
// requests may use any casing ('RUN_EXPERIMENT', 'run_experiment', 'Run_Experiment' all work) and are normalised to
// UPPERCASE before they are stored or compared; an unknown value is still a 400. Responses use UPPERCASE, or
// lowercase everywhere while Sandbox.setLowercaseEnums(true) is on, to imitate the older docs (shared/seeds).

/** Applied to every enum value written into a response. */
export type EnumCasing = (value: string) => string;

export const upperCaseEnums: EnumCasing = (value) => value;
export const lowerCaseEnums: EnumCasing = (value) => value.toLowerCase();

/** The canonical member of `allowed` that `raw` names in any casing, or undefined. */
export function normaliseEnum<T extends string>(raw: unknown, allowed: readonly T[]): T | undefined {
	if (typeof raw !== 'string') return undefined;
	const upper = raw.toUpperCase();
	return allowed.find((value) => value === upper);
}
