/**
 * Private Redis and PostgreSQL servers for fault tests: started by the test on free loopback
 * ports, in temporary directories, never the machine's shared 5432/6379, so a test may kill,
 * stop and restart them.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

export const PG_BIN = process.env["ARBEES_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
export const REDIS_SERVER = process.env["ARBEES_REDIS_SERVER"] ?? "redis-server"

/** A free loopback port (the OS picks it; a race with another process is possible and unlikely). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

/** Resolves once something accepts connections on `port`. */
export const waitForPort = async (port: number, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1")
      socket.once("connect", () => {
        socket.destroy()
        resolve(true)
      })
      socket.once("error", () => resolve(false))
    })
    if (up) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nothing listening on ${port} after ${timeoutMs} ms`)
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())))

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Starts (again) on the same port and directory */
  readonly start: () => Promise<void>
  /** `kill -9` */
  readonly kill: () => Promise<void>
  readonly stop: () => Promise<void>
  readonly dispose: () => Promise<void>
}

/** A redis-server; `persistence: "aof"` keeps an append-only file (fsync always), `"none"` keeps nothing. */
export const redis = async (options: { readonly persistence: "aof" | "none" }): Promise<RedisServer> => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), "arbees-redis-"))
  let child: ChildProcess | undefined
  const args = [
    "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "",
    "--appendonly", options.persistence === "aof" ? "yes" : "no", "--appendfsync", "always"
  ]
  const start = async () => {
    child = spawn(REDIS_SERVER, args, { stdio: "ignore" })
    await waitForPort(port)
  }
  const kill = async () => {
    if (child === undefined) return
    const c = child
    child = undefined
    c.kill("SIGKILL")
    await exited(c)
  }
  const stop = async () => {
    if (child === undefined) return
    const c = child
    child = undefined
    c.kill("SIGTERM")
    await exited(c)
  }
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    kill,
    stop,
    dispose: async () => {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export interface PostgresServer {
  readonly port: number
  /** The URL of `database` (default `postgres`) */
  readonly url: (database?: string) => string
  readonly start: () => Promise<void>
  /** `pg_ctl stop -m fast|immediate` */
  readonly stop: (mode: "fast" | "immediate") => Promise<void>
  readonly dispose: () => Promise<void>
}

/** A PostgreSQL 15 cluster, `initdb`'d into a temporary directory, trust auth on loopback. */
export const postgres = async (): Promise<PostgresServer> => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), "arbees-pg-"))
  const data = join(dir, "data")
  // PostgreSQL refuses to run as root (CI and this machine's sessions are root): run its tools as
  // the `postgres` system user, which then owns the directory
  const asRoot = process.getuid?.() === 0
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir])
  const pgTool = (tool: string, args: ReadonlyArray<string>) =>
    asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", join(PG_BIN, tool), ...args], { stdio: "ignore" })
      : execFileSync(join(PG_BIN, tool), args, { stdio: "ignore" })
  pgTool("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"])
  writeFileSync(join(data, "postgresql.auto.conf"), `listen_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nfsync = off\nmax_connections = 200\n`)
  const pgctl = (args: ReadonlyArray<string>) => pgTool("pg_ctl", ["-D", data, "-s", ...args])
  const start = async () => {
    pgctl(["-l", join(dir, "log"), "-w", "-t", "60", "start"])
    await waitForPort(port)
  }
  const stop = async (mode: "fast" | "immediate") => {
    if (existsSync(join(data, "postmaster.pid"))) pgctl(["-m", mode, "-w", "stop"])
  }
  await start()
  return {
    port,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start,
    stop,
    dispose: async () => {
      await stop("immediate").catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
