import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Sandbox } from '../../sandbox/index.ts';

// A local endpoint for webhook deliveries in the sandbox tests: records each POST and answers what the test says.

export interface ReceivedDelivery {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	body: any;
	/** Date.now() when the request had fully arrived. */
	receivedAt: number;
}

/** What the receiver does with a request: answer with a status, or never answer ('hang'). */
export type ReceiverAnswer = number | 'hang';

export interface Receiver {
	url: string;
	received: ReceivedDelivery[];
	/** Answers for the next requests, in order; once used up, every request gets 204. */
	answers: ReceiverAnswer[];
	close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
	const received: ReceivedDelivery[] = [];
	const answers: ReceiverAnswer[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined, receivedAt: Date.now() });
			const answer = answers.shift() ?? 204;
			if (answer === 'hang') return;
			res.writeHead(answer).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hooks/arize`,
		received,
		answers,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/**
 * A fresh receiver for each test of the enclosing describe block. After each test: waits for the sandbox's
 * deliveries, empties its record, lifts a test outage, resets the store and closes the receiver.
 */
export function useReceiver(ctx: { sandbox: Sandbox }): { receiver: Receiver } {
	const holder = {} as { receiver: Receiver };
	beforeEach(async () => {
		holder.receiver = await startReceiver();
	});
	afterEach(async () => {
		await ctx.sandbox.webhooks.idle();
		ctx.sandbox.webhooks.clearDeliveries();
		ctx.sandbox.webhooks.setTestOutage(null);
		ctx.sandbox.store.reset();
		await holder.receiver.close();
	});
	return holder;
}
