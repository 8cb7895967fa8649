import { createHash } from 'node:crypto';

import { seededId } from '../ids.ts';
import { SEED } from '../seed.ts';
import type { Store } from '../store.ts';
import type { PromptVersion } from './types.ts';

// Seed organizations and prompts: the organization the seed space belongs to plus an empty one (webhook names are
// unique per organization), and two prompts of the seed space with versions and labels to label, unlabel and
// subscribe to.

export const WEBHOOK_SEED = {
	orgIds: {
		/** The seed space's organization (SEED.orgId). */
		main: SEED.orgId,
		/** An organization without spaces. */
		research: seededId('Organization', 18),
	},
	promptIds: {
		supportAnswer: seededId('Prompt', 41, 'slash'),
		ragSummary: seededId('Prompt', 42),
	},
	/** Versions per prompt, oldest first. */
	promptVersionIds: {
		supportAnswer: [seededId('PromptVersion', 411), seededId('PromptVersion', 412, 'plus'), seededId('PromptVersion', 413)],
		ragSummary: [seededId('PromptVersion', 421)],
	},
	/** Labels per version id as seeded: supportAnswer v2 is `production`, v3 `staging`; ragSummary v1 `production`. */
	labels: { production: 'production', staging: 'staging' },
};

const commitHash = (seed: string) => createHash('sha1').update(seed).digest('hex');

function version(
	id: string,
	promptId: string,
	createdAt: string,
	commitMessage: string,
	system: string,
	labels: string[],
	model = 'gpt-4o',
): PromptVersion {
	return {
		id,
		prompt_id: promptId,
		commit_hash: commitHash(id),
		commit_message: commitMessage,
		messages: [
			{ role: 'SYSTEM', content: system },
			{ role: 'USER', content: '{question}' },
		],
		input_variable_format: 'F_STRING',
		provider: 'OPEN_AI',
		model,
		invocation_params: { temperature: 0.2 },
		created_at: createdAt,
		created_by_user_id: SEED.userId,
		labels,
	};
}

export function seedOrganizationsAndPrompts(store: Store): void {
	const { orgIds, promptIds, promptVersionIds: versionIds } = WEBHOOK_SEED;
	store.organizations.set(orgIds.main, {
		id: orgIds.main,
		name: 'Acme Support',
		description: 'Customer support assistants and their evaluations',
		created_at: '2026-01-10T08:00:00.000Z',
	});
	store.organizations.set(orgIds.research, {
		id: orgIds.research,
		name: 'Acme Research',
		description: '',
		created_at: '2026-02-02T08:00:00.000Z',
	});
	store.prompts.set(promptIds.supportAnswer, {
		id: promptIds.supportAnswer,
		name: 'support-answer',
		description: 'Answers a customer question from the help center',
		space_id: SEED.spaceId,
		created_at: '2026-09-01T10:00:00.000Z',
		updated_at: '2026-11-18T16:30:00.000Z',
		created_by_user_id: SEED.userId,
	});
	store.prompts.set(promptIds.ragSummary, {
		id: promptIds.ragSummary,
		name: 'rag-summary',
		description: null,
		space_id: SEED.spaceId,
		created_at: '2026-10-05T12:00:00.000Z',
		updated_at: '2026-10-05T12:00:00.000Z',
		created_by_user_id: SEED.userId,
	});
	const versions = [
		version(versionIds.supportAnswer[0], promptIds.supportAnswer, '2026-09-01T10:00:00.000Z', 'First version', 'You answer support questions.', []),
		version(
			versionIds.supportAnswer[1],
			promptIds.supportAnswer,
			'2026-10-12T09:00:00.000Z',
			'Cite the help center article',
			'You answer support questions. Cite the help center article you used.',
			['production'],
		),
		version(
			versionIds.supportAnswer[2],
			promptIds.supportAnswer,
			'2026-11-18T16:30:00.000Z',
			'Shorter answers',
			'You answer support questions in at most three sentences. Cite the help center article you used.',
			['staging'],
			'gpt-4.1-mini',
		),
		version(versionIds.ragSummary[0], promptIds.ragSummary, '2026-10-05T12:00:00.000Z', 'Initial', 'Summarise the retrieved passages.', ['production']),
	];
	for (const entry of versions) store.promptVersions.set(entry.id, entry);
}
