export const optimisationHref = (id: string) => `/optimisations/${encodeURIComponent(id)}`;
