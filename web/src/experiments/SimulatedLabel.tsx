import { TestDoubleTag } from '../components/TestDoubleNotice.tsx';

/** The simulated-model label beside a section's title, when the report's figures come from it. */
export function SimulatedLabel({ simulated }: { simulated: boolean }) {
  return simulated ? <TestDoubleTag kind="simulated" /> : null;
}
