import { appendFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A scripted OpenAI-compatible chat model for the agent's end-to-end test: it speaks just enough of OpenAI's API
// (`POST /v1/chat/completions` without streaming, `GET /v1/models`) for n8n's OpenAI Chat Model node. Given the
// request's `tools`, it calls the tool the test chose with the test's arguments; once the request holds that tool's
// result, it answers with a final message built from it. Every request is kept (and appended to a log file).

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | null;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ChatRequest {
	model: string;
	stream?: boolean;
	messages: ChatMessage[];
	tools?: Array<{ type: 'function'; function: { name: string; description: string; parameters: JsonSchema } }>;
}

export interface JsonSchema {
	type: string;
	properties?: Record<string, { type?: string; description?: string }>;
	required?: string[];
}

export interface ReceivedRequest {
	method: string;
	path: string;
	authorization: string | undefined;
	body: ChatRequest | undefined;
}

/** What the model does in the next conversation: call `tool` with `arguments`, then answer from its result. */
export interface Script {
	tool: string;
	arguments: Record<string, unknown>;
	answer: (toolResult: string) => string;
}

export interface ScriptedModel {
	url: string;
	requests: ReceivedRequest[];
	script: Script | undefined;
	close(): Promise<void>;
}

export const MODEL_NAME = 'gpt-4o-mini';

function completion(body: ChatRequest, message: Record<string, unknown>, finishReason: 'tool_calls' | 'stop') {
	return {
		id: `chatcmpl-scripted-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: body.model,
		choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The model's next turn: the tool call while the conversation has no result of it, then the final answer. */
function reply(script: Script | undefined, body: ChatRequest) {
	if (!script) return completion(body, { content: 'No script was set for this conversation.' }, 'stop');
	const result = body.messages.find((message) => message.role === 'tool');
	if (result) return completion(body, { content: script.answer(String(result.content)) }, 'stop');
	if (!body.tools?.some((tool) => tool.function.name === script.tool)) {
		return completion(body, { content: `The tool ${script.tool} was not offered.` }, 'stop');
	}
	const call = { id: 'call_scripted_1', type: 'function', function: { name: script.tool, arguments: JSON.stringify(script.arguments) } };
	return completion(body, { content: null, tool_calls: [call] }, 'tool_calls');
}

export async function startScriptedModel(logFile?: string): Promise<ScriptedModel> {
	const model = { requests: [] as ReceivedRequest[], script: undefined as Script | undefined };
	const server = http.createServer((request, response) => {
		let text = '';
		request.on('data', (chunk: Buffer) => (text += chunk.toString()));
		request.on('end', () => {
			const body = text ? (JSON.parse(text) as ChatRequest) : undefined;
			const received = { method: request.method ?? '', path: request.url ?? '', authorization: request.headers.authorization, body };
			model.requests.push(received);
			if (logFile) appendFileSync(logFile, `${JSON.stringify({ ...received, authorization: undefined })}\n`);
			const send = (status: number, json: unknown) => {
				response.writeHead(status, { 'content-type': 'application/json' });
				response.end(JSON.stringify(json));
			};
			if (request.method === 'GET' && request.url === '/v1/models') {
				return send(200, { object: 'list', data: [{ id: MODEL_NAME, object: 'model', created: 0, owned_by: 'scripted' }] });
			}
			if (request.method === 'POST' && request.url === '/v1/chat/completions' && body) {
				if (body.stream) return send(400, { error: { message: 'The scripted model does not stream' } });
				return send(200, reply(model.script, body));
			}
			send(404, { error: { message: `No route ${request.method} ${request.url}` } });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return Object.assign(model, {
		url: `http://127.0.0.1:${port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	});
}
