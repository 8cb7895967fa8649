/**
 * Arize wants ISO 8601 timestamps with a timezone. n8n's date picker gives local wall time without an offset
 * ("2026-03-01T09:00:00"), which means the workflow's timezone; expressions may give an offset or a Luxon DateTime.
 * Returns UTC ISO text, or undefined if the value is not a date.
 */
export function toIsoTimestamp(value: unknown, timezone: string): string | undefined {
	if (value && typeof value === 'object' && 'toISO' in value && typeof value.toISO === 'function') {
		value = value.toISO();
	}
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
	if (typeof value !== 'string' || !value.trim()) return undefined;
	const text = value.trim();

	const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
	const parsed = Date.parse(hasZone || !/\d{2}:\d{2}/.test(text) ? text : `${text}Z`);
	if (Number.isNaN(parsed)) return undefined;
	if (hasZone) return new Date(parsed).toISOString();
	// Read as wall time in `timezone`: shift by that zone's offset at that moment (twice, to settle across DST changes).
	let utc = parsed - zoneOffsetMs(parsed, timezone);
	utc = parsed - zoneOffsetMs(utc, timezone);
	return new Date(utc).toISOString();
}

/** The offset of `timezone` from UTC at the instant `utcMs`, in ms (positive east of Greenwich). */
function zoneOffsetMs(utcMs: number, timezone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: timezone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
	const wallAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return wallAsUtc - Math.floor(utcMs / 1000) * 1000;
}
