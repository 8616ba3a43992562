/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    return {
      name: "sigap",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
      home: "aws",
      // Jakarta: personal data of Indonesian citizens stays in Indonesia.
      providers: { aws: { region: "ap-southeast-3" } },
    };
  },
  async run() {
    await import("./infra/table");
    await import("./infra/secrets");
    await import("./infra/email");
    await import("./infra/tasks");
    await import("./infra/workflows");
    await import("./infra/workflow-events");
    const { api } = await import("./infra/api");
    await import("./infra/cron");
    return { api: api.url };
  },
});
