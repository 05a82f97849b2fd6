export function RunPage({ runId }: { runId: string }) {
  return (
    <section className="page">
      <h1>Run {runId}</h1>
    </section>
  );
}
