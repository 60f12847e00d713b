/**
 * The benchmark's baseline: a Bolt app that only acknowledges. Same receiver (HTTP, POST
 * /slack/events, signatures checked), same environment as Liftoff (SLACK_BOT_TOKEN,
 * SLACK_SIGNING_SECRET, SLACK_API_URL, PORT), compiled and started as its own process the
 * way Liftoff is (`node dist/bench/baseline.js`). It makes no Web API call of its own.
 */
import { App, LogLevel } from '@slack/bolt';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is required\n`);
    process.exit(1);
  }
  return value;
};

const app = new App({
  token: env('SLACK_BOT_TOKEN'),
  signingSecret: env('SLACK_SIGNING_SECRET'),
  logLevel: LogLevel.ERROR,
  ...(process.env.SLACK_API_URL ? { clientOptions: { slackApiUrl: process.env.SLACK_API_URL } } : {}),
});
app.command(/.*/, async ({ ack }) => ack());
app.action(/.*/, async ({ ack }) => ack());
app.view(/.*/, async ({ ack }) => ack());
app.event(/.*/, async () => {});

await app.start(Number(process.env.PORT ?? 3000));
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
