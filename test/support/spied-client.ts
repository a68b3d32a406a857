/**
 * A real SDK client (talking to moto) whose every request is also kept: what a command asked AWS, client tokens
 * included, checked without mocking the client.
 */
export interface SentCommand {
  name: string;
  input: Record<string, unknown>;
}

export function spiedClient<C extends { send: unknown }>(client: C): { spy: C; sent: SentCommand[] } {
  const sent: SentCommand[] = [];
  const spy = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }, options?: unknown) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return (client.send as (c: unknown, o?: unknown) => Promise<unknown>).call(client, command, options);
    },
  } as unknown as C;
  return { spy, sent };
}
