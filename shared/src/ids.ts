import { z } from 'zod';

/** Ids are branded so a run id cannot be passed where an endpoint id is expected. */
export const EndpointId = z.string().min(1).max(64).brand<'EndpointId'>();
export type EndpointId = z.infer<typeof EndpointId>;

export const RunId = z.string().min(1).max(64).brand<'RunId'>();
export type RunId = z.infer<typeof RunId>;

export const NodeId = z.string().min(1).max(64).brand<'NodeId'>();
export type NodeId = z.infer<typeof NodeId>;

export const GraphVersionId = z.string().min(1).max(128).brand<'GraphVersionId'>();
export type GraphVersionId = z.infer<typeof GraphVersionId>;

export const TaskId = z.string().min(1).max(128).brand<'TaskId'>();
export type TaskId = z.infer<typeof TaskId>;
