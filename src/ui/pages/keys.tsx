// Keys and usage: a place kept for AUTH=keys, which this proxy does not have yet.
export function KeysPage() {
  return (
    <section class="card">
      <p>
        Keys and usage per key come with <code>AUTH=keys</code>. This proxy runs with <code>AUTH=off</code>:
        every client that passes the Host and Origin checks has the same access, and there are no keys to
        show.
      </p>
    </section>
  );
}
