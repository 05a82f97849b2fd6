function Upcoming({ title, what }: { title: string; what: string }) {
  return (
    <section className="page">
      <h1>{title}</h1>
      <div className="empty">
        <p>{what}</p>
        <p className="muted">This part of the workbench is not built yet.</p>
      </div>
    </section>
  );
}

export function CanvasPlaceholder() {
  return (
    <Upcoming
      title="Canvas"
      what="Design scaffolds by wiring summarizer, agent, corrector and executor nodes."
    />
  );
}

export function RunsPlaceholder() {
  return (
    <Upcoming
      title="Runs"
      what="Follow runs live, replay failed trajectories and compare them step by step."
    />
  );
}

export function TasksPlaceholder() {
  return <Upcoming title="Tasks" what="Browse the built-in task suites by split, difficulty and app." />;
}
