/** A checkbox on a node's face. `nodrag` keeps a click on it from starting a node drag. */
export function NodeToggle({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="tnode-toggle nodrag">
      <input
        type="checkbox"
        className="nodrag"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      {label}
    </label>
  );
}
