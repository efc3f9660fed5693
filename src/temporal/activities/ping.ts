import { Context } from "@temporalio/activity";

export function createPingActivities() {
  return {
    async ping(message: string): Promise<{ message: string; workerIdentity: string }> {
      return { message: `pong: ${message}`, workerIdentity: Context.current().info.taskQueue + "@" + process.pid };
    },
  };
}

export type PingActivities = ReturnType<typeof createPingActivities>;
