import type { INodeProperties, INodePropertyCollection, INodePropertyMode } from 'n8n-workflow';

import { ArizeTasks } from '../../nodes/ArizeTasks/ArizeTasks.node';
import { ArizeTasksTrigger } from '../../nodes/ArizeTasksTrigger/ArizeTasksTrigger.node';

/** What each resource locator's list says before anything is picked, as the editor shows it: name → placeholder. */
function listPlaceholders(properties: Array<INodeProperties | INodePropertyCollection>, into = new Map<string, string>()): Map<string, string> {
	for (const property of properties) {
		if ('type' in property && property.type === 'resourceLocator') {
			const list = (property.modes as INodePropertyMode[]).find((mode) => mode.name === 'list');
			if (list?.placeholder) into.set(property.displayName, list.placeholder);
		}
		const nested = 'values' in property ? property.values : 'options' in property ? property.options : undefined;
		if (Array.isArray(nested)) listPlaceholders(nested.filter((option) => typeof option === 'object' && 'displayName' in option) as INodeProperties[], into);
	}
	return into;
}

describe('resource locator lists', () => {
	it('read as English: "an" before a vowel, acronyms in capitals ("Select an AI integration...")', () => {
		const placeholders = listPlaceholders([...new ArizeTasks().description.properties, ...new ArizeTasksTrigger().description.properties]);
		expect(placeholders.get('AI Integration')).toBe('Select an AI integration...');
		expect(placeholders.get('Task')).toBe('Select a task...');
		expect(placeholders.get('Project')).toBe('Select a project...');
		expect(placeholders.get('Dataset')).toBe('Select a dataset...');
	});
});
