// Child process for concurrentStreams(): opens N streaming chats at once and reports how they ended.
export {};

const [url, count, headerJson] = process.argv.slice(2);
const headers = JSON.parse(headerJson ?? "{}") as Record<string, string>;
const errors: string[] = [];
let completed = 0;
await Promise.all(
  Array.from({ length: Number(count) }, async (_, i) => {
    try {
      const res = await fetch(`${url}/api/chat`, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: `stream ${i}` }] }),
      });
      const text = await res.text();
      const last = JSON.parse(text.trim().split("\n").at(-1) ?? "{}") as { done?: boolean; error?: string };
      if (res.status === 200 && last.done === true) completed++;
      else errors.push(`status ${res.status}: ${last.error ?? "no done line"}`);
    } catch (err) {
      errors.push(String(err));
    }
  }),
);
process.stdout.write(JSON.stringify({ completed, errors: errors.slice(0, 5) }));
