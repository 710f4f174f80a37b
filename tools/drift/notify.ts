/** Posts a drift report to the alert webhook (Slack-compatible `{ "text": ... }` body). */
export async function postToWebhook(url: string, text: string, timeoutMs = 10_000): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`the alert webhook answered ${response.status} ${response.statusText}`);
}
