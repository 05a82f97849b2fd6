export const mailScenarios = [];
