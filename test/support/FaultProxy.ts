/**
 * A TCP proxy in front of a real server (Redis, Postgres) that scripts network faults:
 * `freeze` stops moving bytes both ways (a stalled network or a paused server: connections stay
 * open, commands go unanswered) and `thaw` lets them flow again; `cut` drops every connection and
 * refuses new ones (the server is gone) until `restore`.
 */
import * as net from "node:net"

export interface FaultProxy {
  readonly port: number
  readonly url: (scheme: string, path?: string) => string
  readonly freeze: () => void
  readonly thaw: () => void
  readonly cut: () => void
  readonly restore: () => void
  readonly close: () => Promise<void>
}

export const start = (targetPort: number, targetHost = "127.0.0.1"): Promise<FaultProxy> => {
  const pairs = new Set<readonly [net.Socket, net.Socket]>()
  // Bytes that arrived while frozen, per destination, delivered in order on thaw. Not `pause()`:
  // a piped source is resumed by the pipe itself on the destination's next 'drain', so a paused
  // pipe leaks bytes through and the "stalled" server answers
  const held = new Map<net.Socket, Array<Buffer>>()
  let frozen = false
  let down = false
  const forward = (from: net.Socket, to: net.Socket) =>
    from.on("data", (chunk: Buffer) => {
      if (frozen) {
        const queue = held.get(to) ?? []
        queue.push(chunk)
        held.set(to, queue)
      } else if (!to.destroyed) to.write(chunk)
    })
  const server = net.createServer((client) => {
    if (down) return client.destroy()
    const upstream = net.connect(targetPort, targetHost)
    const pair = [client, upstream] as const
    pairs.add(pair)
    forward(client, upstream)
    forward(upstream, client)
    const end = () => {
      pairs.delete(pair)
      held.delete(client)
      held.delete(upstream)
      client.destroy()
      upstream.destroy()
    }
    client.on("error", end)
    upstream.on("error", end)
    client.on("close", end)
    upstream.on("close", end)
  })
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      resolve({
        port,
        url: (scheme, path = "") => `${scheme}://127.0.0.1:${port}${path}`,
        freeze: () => {
          frozen = true
        },
        thaw: () => {
          frozen = false
          for (const [to, chunks] of held) if (!to.destroyed) for (const chunk of chunks) to.write(chunk)
          held.clear()
        },
        cut: () => {
          down = true
          for (const [a, b] of pairs) {
            a.destroy()
            b.destroy()
          }
          pairs.clear()
          held.clear()
        },
        restore: () => {
          down = false
        },
        close: () =>
          new Promise<void>((done) => {
            for (const [a, b] of pairs) {
              a.destroy()
              b.destroy()
            }
            server.close(() => done())
          })
      })
    })
  )
}
