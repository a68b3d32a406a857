/**
 * Real loopback sockets that misbehave the way networks do: one that accepts and never answers, and a proxy in
 * front of moto that forwards every call except the EMR operations it is told to hang or cut.
 */
import { createServer as createHttpServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer, type Server, type Socket } from "node:net";

export interface LoopbackServer {
  endpoint: string;
  close(): Promise<void>;
}

function tracked(server: Server): { sockets: Set<Socket>; close: () => Promise<void> } {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return {
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no port");
  return `http://127.0.0.1:${address.port}`;
}

/** Accepts every connection, reads what is sent, and never writes a byte back. */
export async function silentServer(): Promise<LoopbackServer> {
  const server = createServer((socket) => socket.resume());
  const { close } = tracked(server);
  return { endpoint: await listen(server), close };
}

export type Fault = "hang" | "reset";

/** Forwards to `target`; an EMR call whose X-Amz-Target ends with a key of `faults` hangs or has its socket cut. */
export async function faultyProxy(target: string, faults: Record<string, Fault>): Promise<LoopbackServer> {
  const upstream = new URL(target);
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const operation = String(req.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
    const fault = faults[operation];
    if (fault === "hang") return void req.resume();
    if (fault === "reset") return void req.socket.destroy();
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  const { close } = tracked(server);
  return { endpoint: await listen(server), close };
}
