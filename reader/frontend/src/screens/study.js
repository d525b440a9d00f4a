// Study, quizzes and questions: routes added by their screens.
export const STUDY_ROUTES = {};
