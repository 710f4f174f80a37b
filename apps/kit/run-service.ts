/**
 * The `main` of every app: build the service, listen, and shut down gracefully on SIGTERM/SIGINT
 * within SHUTDOWN_TIMEOUT_MS. A bad config prints one line per problem and exits 1.
 */
import type { z } from "zod";
import { ConfigError } from "./config";
import { type Service, type ServiceOptions, createService } from "./service";

export async function runService<S extends z.ZodObject>(options: ServiceOptions<S>): Promise<Service | undefined> {
  let service: Service;
  try {
    service = await createService(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${options.name}: ${error.message}\n`);
    } else {
      process.stderr.write(`${options.name}: failed to start: ${(error as Error).message}\n`);
    }
    process.exitCode = 1;
    return undefined;
  }
  const stop = (signal: NodeJS.Signals) => {
    const deadline = setTimeout(() => {
      service.logger.error({ timeoutMs: service.config.SHUTDOWN_TIMEOUT_MS }, "graceful shutdown took too long; exiting");
      service.logger.flush();
      process.exit(1);
    }, service.config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    service.shutdown(`received ${signal}`).then(
      () => process.exit(0),
      (error: unknown) => {
        service.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.on("unhandledRejection", (reason) => service.logger.error({ err: reason }, "unhandled promise rejection"));
  try {
    await service.listen();
  } catch (error) {
    service.logger.fatal({ err: error }, "could not listen");
    await service.shutdown("listen failed");
    process.exitCode = 1;
    return undefined;
  }
  return service;
}
