/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me { id displayName role unit { id name } }\n  }\n": typeof types.MeDocument,
    "\n  query Units {\n    units { id name }\n  }\n": typeof types.UnitsDocument,
    "\n  query Catalogue($year: Int!) {\n    catalogue(year: $year) {\n      year published publishedAt confidentialCount confidentialBases\n      items { id title summary stage disclosure additionReason undertakingUnit { id name } }\n    }\n  }\n": typeof types.CatalogueDocument,
    "\n  query Decisions($filter: DecisionFilter, $first: Int, $after: String) {\n    decisions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id title summary year stage updatedAt undertakingUnit { id name } } }\n    }\n  }\n": typeof types.DecisionsDocument,
    "\n  query OpenNow($first: Int) {\n    decisions(filter: { stage: CONSULTING }, first: $first) {\n      totalCount\n      edges {\n        node {\n          id title summary\n          undertakingUnit { id name }\n          consultations { id channel status closesAt commentCount }\n          hearings { id status signupClosesAt signupCount }\n          participationActivities { id participantCount }\n        }\n      }\n    }\n  }\n": typeof types.OpenNowDocument,
    "\n  query ClauseComments($id: ID!, $asOf: DateTime, $clauseIds: [ID!]) {\n    decision(id: $id, asOf: $asOf) {\n      id\n      consultations {\n        id\n        comments(first: 100, clauseIds: $clauseIds) {\n          totalCount\n          edges { node { id body draftVersion clauseNumber submittedAt hidden hiddenLater } }\n        }\n      }\n    }\n  }\n": typeof types.ClauseCommentsDocument,
    "\n  query Decision($id: ID!, $asOf: DateTime, $commentsFirst: Int, $commentsAfter: String) {\n    decision(id: $id, asOf: $asOf) {\n      id title summary year stage disclosure confidentialityBasis additionReason\n      registeredAt updatedAt asOf\n      undertakingUnit { id name }\n      background { text publishedAt }\n      drafts { version text explanation changeNote publishedAt clauses { id number text lineage commentCount } }\n      currentDraft { version }\n      consultations {\n        id channel draftVersion opensAt closesAt howToSubmit shortenedReason status\n        closedAt closedEarly closeReason earliestCloseAt commentCount\n        comments(first: $commentsFirst, after: $commentsAfter) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges { cursor node { id body clauseId draftVersion clauseNumber submittedAt hidden hiddenReason opinionId } }\n        }\n      }\n      participationActivities { id kind heldAt summary participantCount }\n      participationExemption { legalBasis recordedAt }\n      hearings {\n        id status startsAt venue capacity seatsTaken signupCount waitlistCount signupClosesAt\n        selectionMethod selectionRules stakeholderGroups drawSeed\n        participants { displayName stakeholderGroup }\n        participantsPublishedAt recordSummary heldAt\n        groups { name signups seats }\n        materialsDueBy materials { materials deliveredAt }\n        record { text publishedAt confirmations awaiting objections { displayName stakeholderGroup note at } myAnswer }\n        mySignup { id status stakeholderGroup waitlistPosition submittedAt }\n      }\n      opinions {\n        id summary concentrated commentCount commentIds consolidatedAt\n        adoption { outcome rationale decidedAt }\n      }\n      feedbackReport { summary publishedAt }\n      deliberation { meetingKind heldAt summary dissent observers { name affiliation opinion adoption } }\n      result { text documentNumber effectiveAt interpretation publishedAt }\n      withdrawal { reason withdrawnAt }\n    }\n  }\n": typeof types.DecisionDocument,
    "\n  query History($id: ID!, $asOf: DateTime, $first: Int, $after: String, $kinds: [String!]) {\n    decision(id: $id, asOf: $asOf) {\n      id\n      history(first: $first, after: $after, kinds: $kinds) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { position at kind summary actor subjectId } }\n      }\n    }\n  }\n": typeof types.HistoryDocument,
    "\n  subscription DecisionHistory($decisionId: ID!) {\n    decisionHistory(decisionId: $decisionId) { position at kind summary actor subjectId }\n  }\n": typeof types.DecisionHistoryDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { token account { id displayName role unit { id name } } }\n  }\n": typeof types.LoginDocument,
    "\n  mutation RegisterAccount($input: RegisterAccountInput!) {\n    registerAccount(input: $input) { token account { id displayName role unit { id name } } }\n  }\n": typeof types.RegisterAccountDocument,
    "\n  mutation SubmitComment($input: SubmitCommentInput!) {\n    submitComment(input: $input) { position comment { id body clauseId submittedAt } }\n  }\n": typeof types.SubmitCommentDocument,
    "\n  mutation SignUpForHearing($input: SignUpForHearingInput!) {\n    signUpForHearing(input: $input) { position signup { id status waitlistPosition } }\n  }\n": typeof types.SignUpForHearingDocument,
    "\n  mutation WithdrawHearingSignup($input: WithdrawHearingSignupInput!) {\n    withdrawHearingSignup(input: $input) { position signup { id status } }\n  }\n": typeof types.WithdrawHearingSignupDocument,
    "\n  query MyParticipation {\n    me {\n      id displayName\n      comments {\n        decisionTitle\n        comment { id decisionId consultationId body clauseId submittedAt hidden hiddenReason }\n        opinion { id summary concentrated adoption { outcome rationale decidedAt } }\n      }\n      hearingSignups { id hearingId status stakeholderGroup statement submittedAt waitlistPosition }\n    }\n  }\n": typeof types.MyParticipationDocument,
    "\n  query Hearing($id: ID!) {\n    hearing(id: $id) {\n      id decisionId status startsAt venue capacity seatsTaken signupClosesAt selectionMethod\n      stakeholderGroups drawSeed participantsPublishedAt\n      roster { signupId displayName stakeholderGroup statement status fullName phone submittedAt }\n    }\n  }\n": typeof types.HearingDocument,
    "\n  query UnitDashboard($unitId: ID!) {\n    unitDashboard(unitId: $unitId) {\n      awaiting ungroupedComments\n      decision { id title stage year updatedAt }\n    }\n  }\n": typeof types.UnitDashboardDocument,
    "\n  mutation PublishBackground($input: PublishBackgroundInput!) { publishBackground(input: $input) { position } }\n": typeof types.PublishBackgroundDocument,
    "\n  mutation PublishDraft($input: PublishDraftInput!) { publishDraft(input: $input) { position } }\n": typeof types.PublishDraftDocument,
    "\n  mutation OpenConsultation($input: OpenConsultationInput!) { openConsultation(input: $input) { position } }\n": typeof types.OpenConsultationDocument,
    "\n  mutation CloseConsultation($input: CloseConsultationInput!) { closeConsultation(input: $input) { position } }\n": typeof types.CloseConsultationDocument,
    "\n  mutation RecordParticipationExemption($input: RecordParticipationExemptionInput!) {\n    recordParticipationExemption(input: $input) { position }\n  }\n": typeof types.RecordParticipationExemptionDocument,
    "\n  mutation RecordParticipationActivity($input: RecordParticipationActivityInput!) {\n    recordParticipationActivity(input: $input) { position }\n  }\n": typeof types.RecordParticipationActivityDocument,
    "\n  mutation HideComment($input: HideCommentInput!) { hideComment(input: $input) { position } }\n": typeof types.HideCommentDocument,
    "\n  mutation ScheduleHearing($input: ScheduleHearingInput!) { scheduleHearing(input: $input) { position } }\n": typeof types.ScheduleHearingDocument,
    "\n  mutation DrawHearingParticipants($input: DrawHearingParticipantsInput!) { drawHearingParticipants(input: $input) { position } }\n": typeof types.DrawHearingParticipantsDocument,
    "\n  mutation PublishHearingParticipants($input: PublishHearingParticipantsInput!) { publishHearingParticipants(input: $input) { position } }\n": typeof types.PublishHearingParticipantsDocument,
    "\n  mutation DeliverHearingMaterials($input: DeliverHearingMaterialsInput!) { deliverHearingMaterials(input: $input) { position } }\n": typeof types.DeliverHearingMaterialsDocument,
    "\n  mutation PublishHearingRecord($input: PublishHearingRecordInput!) { publishHearingRecord(input: $input) { position } }\n": typeof types.PublishHearingRecordDocument,
    "\n  mutation AnswerHearingRecord($input: AnswerHearingRecordInput!) { answerHearingRecord(input: $input) { position } }\n": typeof types.AnswerHearingRecordDocument,
    "\n  mutation RecordHearingHeld($input: RecordHearingHeldInput!) { recordHearingHeld(input: $input) { position } }\n": typeof types.RecordHearingHeldDocument,
    "\n  mutation ConsolidateOpinion($input: ConsolidateOpinionInput!) { consolidateOpinion(input: $input) { position opinion { id } } }\n": typeof types.ConsolidateOpinionDocument,
    "\n  mutation DecideAdoption($input: DecideAdoptionInput!) { decideAdoption(input: $input) { position } }\n": typeof types.DecideAdoptionDocument,
    "\n  mutation PublishFeedbackReport($input: PublishFeedbackReportInput!) { publishFeedbackReport(input: $input) { position } }\n": typeof types.PublishFeedbackReportDocument,
    "\n  mutation RecordDeliberation($input: RecordDeliberationInput!) { recordDeliberation(input: $input) { position } }\n": typeof types.RecordDeliberationDocument,
    "\n  mutation PublishDecisionResult($input: PublishDecisionResultInput!) { publishDecisionResult(input: $input) { position } }\n": typeof types.PublishDecisionResultDocument,
    "\n  mutation WithdrawDecision($input: WithdrawDecisionInput!) { withdrawDecision(input: $input) { position } }\n": typeof types.WithdrawDecisionDocument,
    "\n  mutation RegisterUnit($input: RegisterUnitInput!) { registerUnit(input: $input) { position unit { id name } } }\n": typeof types.RegisterUnitDocument,
    "\n  query AccountByUsername($username: String!) { accountByUsername(username: $username) { id displayName role } }\n": typeof types.AccountByUsernameDocument,
    "\n  mutation GrantRole($input: GrantRoleInput!) { grantRole(input: $input) { position account { id displayName role } } }\n": typeof types.GrantRoleDocument,
    "\n  mutation RegisterDecision($input: RegisterDecisionInput!) { registerDecision(input: $input) { position decision { id } } }\n": typeof types.RegisterDecisionDocument,
    "\n  mutation PublishCatalogue($input: PublishCatalogueInput!) { publishCatalogue(input: $input) { position } }\n": typeof types.PublishCatalogueDocument,
    "\n  query HearingBrief($id: ID!) {\n    hearing(id: $id) { id decisionId startsAt venue status }\n  }\n": typeof types.HearingBriefDocument,
    "\n  query ConsultationComments($id: ID!, $first: Int, $after: String) {\n    consultation(id: $id) {\n      id\n      comments(first: $first, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges { node { id body clauseId submittedAt hidden hiddenReason opinionId } }\n      }\n    }\n  }\n": typeof types.ConsultationCommentsDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me { id displayName role unit { id name } }\n  }\n": types.MeDocument,
    "\n  query Units {\n    units { id name }\n  }\n": types.UnitsDocument,
    "\n  query Catalogue($year: Int!) {\n    catalogue(year: $year) {\n      year published publishedAt confidentialCount confidentialBases\n      items { id title summary stage disclosure additionReason undertakingUnit { id name } }\n    }\n  }\n": types.CatalogueDocument,
    "\n  query Decisions($filter: DecisionFilter, $first: Int, $after: String) {\n    decisions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id title summary year stage updatedAt undertakingUnit { id name } } }\n    }\n  }\n": types.DecisionsDocument,
    "\n  query OpenNow($first: Int) {\n    decisions(filter: { stage: CONSULTING }, first: $first) {\n      totalCount\n      edges {\n        node {\n          id title summary\n          undertakingUnit { id name }\n          consultations { id channel status closesAt commentCount }\n          hearings { id status signupClosesAt signupCount }\n          participationActivities { id participantCount }\n        }\n      }\n    }\n  }\n": types.OpenNowDocument,
    "\n  query ClauseComments($id: ID!, $asOf: DateTime, $clauseIds: [ID!]) {\n    decision(id: $id, asOf: $asOf) {\n      id\n      consultations {\n        id\n        comments(first: 100, clauseIds: $clauseIds) {\n          totalCount\n          edges { node { id body draftVersion clauseNumber submittedAt hidden hiddenLater } }\n        }\n      }\n    }\n  }\n": types.ClauseCommentsDocument,
    "\n  query Decision($id: ID!, $asOf: DateTime, $commentsFirst: Int, $commentsAfter: String) {\n    decision(id: $id, asOf: $asOf) {\n      id title summary year stage disclosure confidentialityBasis additionReason\n      registeredAt updatedAt asOf\n      undertakingUnit { id name }\n      background { text publishedAt }\n      drafts { version text explanation changeNote publishedAt clauses { id number text lineage commentCount } }\n      currentDraft { version }\n      consultations {\n        id channel draftVersion opensAt closesAt howToSubmit shortenedReason status\n        closedAt closedEarly closeReason earliestCloseAt commentCount\n        comments(first: $commentsFirst, after: $commentsAfter) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges { cursor node { id body clauseId draftVersion clauseNumber submittedAt hidden hiddenReason opinionId } }\n        }\n      }\n      participationActivities { id kind heldAt summary participantCount }\n      participationExemption { legalBasis recordedAt }\n      hearings {\n        id status startsAt venue capacity seatsTaken signupCount waitlistCount signupClosesAt\n        selectionMethod selectionRules stakeholderGroups drawSeed\n        participants { displayName stakeholderGroup }\n        participantsPublishedAt recordSummary heldAt\n        groups { name signups seats }\n        materialsDueBy materials { materials deliveredAt }\n        record { text publishedAt confirmations awaiting objections { displayName stakeholderGroup note at } myAnswer }\n        mySignup { id status stakeholderGroup waitlistPosition submittedAt }\n      }\n      opinions {\n        id summary concentrated commentCount commentIds consolidatedAt\n        adoption { outcome rationale decidedAt }\n      }\n      feedbackReport { summary publishedAt }\n      deliberation { meetingKind heldAt summary dissent observers { name affiliation opinion adoption } }\n      result { text documentNumber effectiveAt interpretation publishedAt }\n      withdrawal { reason withdrawnAt }\n    }\n  }\n": types.DecisionDocument,
    "\n  query History($id: ID!, $asOf: DateTime, $first: Int, $after: String, $kinds: [String!]) {\n    decision(id: $id, asOf: $asOf) {\n      id\n      history(first: $first, after: $after, kinds: $kinds) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { position at kind summary actor subjectId } }\n      }\n    }\n  }\n": types.HistoryDocument,
    "\n  subscription DecisionHistory($decisionId: ID!) {\n    decisionHistory(decisionId: $decisionId) { position at kind summary actor subjectId }\n  }\n": types.DecisionHistoryDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { token account { id displayName role unit { id name } } }\n  }\n": types.LoginDocument,
    "\n  mutation RegisterAccount($input: RegisterAccountInput!) {\n    registerAccount(input: $input) { token account { id displayName role unit { id name } } }\n  }\n": types.RegisterAccountDocument,
    "\n  mutation SubmitComment($input: SubmitCommentInput!) {\n    submitComment(input: $input) { position comment { id body clauseId submittedAt } }\n  }\n": types.SubmitCommentDocument,
    "\n  mutation SignUpForHearing($input: SignUpForHearingInput!) {\n    signUpForHearing(input: $input) { position signup { id status waitlistPosition } }\n  }\n": types.SignUpForHearingDocument,
    "\n  mutation WithdrawHearingSignup($input: WithdrawHearingSignupInput!) {\n    withdrawHearingSignup(input: $input) { position signup { id status } }\n  }\n": types.WithdrawHearingSignupDocument,
    "\n  query MyParticipation {\n    me {\n      id displayName\n      comments {\n        decisionTitle\n        comment { id decisionId consultationId body clauseId submittedAt hidden hiddenReason }\n        opinion { id summary concentrated adoption { outcome rationale decidedAt } }\n      }\n      hearingSignups { id hearingId status stakeholderGroup statement submittedAt waitlistPosition }\n    }\n  }\n": types.MyParticipationDocument,
    "\n  query Hearing($id: ID!) {\n    hearing(id: $id) {\n      id decisionId status startsAt venue capacity seatsTaken signupClosesAt selectionMethod\n      stakeholderGroups drawSeed participantsPublishedAt\n      roster { signupId displayName stakeholderGroup statement status fullName phone submittedAt }\n    }\n  }\n": types.HearingDocument,
    "\n  query UnitDashboard($unitId: ID!) {\n    unitDashboard(unitId: $unitId) {\n      awaiting ungroupedComments\n      decision { id title stage year updatedAt }\n    }\n  }\n": types.UnitDashboardDocument,
    "\n  mutation PublishBackground($input: PublishBackgroundInput!) { publishBackground(input: $input) { position } }\n": types.PublishBackgroundDocument,
    "\n  mutation PublishDraft($input: PublishDraftInput!) { publishDraft(input: $input) { position } }\n": types.PublishDraftDocument,
    "\n  mutation OpenConsultation($input: OpenConsultationInput!) { openConsultation(input: $input) { position } }\n": types.OpenConsultationDocument,
    "\n  mutation CloseConsultation($input: CloseConsultationInput!) { closeConsultation(input: $input) { position } }\n": types.CloseConsultationDocument,
    "\n  mutation RecordParticipationExemption($input: RecordParticipationExemptionInput!) {\n    recordParticipationExemption(input: $input) { position }\n  }\n": types.RecordParticipationExemptionDocument,
    "\n  mutation RecordParticipationActivity($input: RecordParticipationActivityInput!) {\n    recordParticipationActivity(input: $input) { position }\n  }\n": types.RecordParticipationActivityDocument,
    "\n  mutation HideComment($input: HideCommentInput!) { hideComment(input: $input) { position } }\n": types.HideCommentDocument,
    "\n  mutation ScheduleHearing($input: ScheduleHearingInput!) { scheduleHearing(input: $input) { position } }\n": types.ScheduleHearingDocument,
    "\n  mutation DrawHearingParticipants($input: DrawHearingParticipantsInput!) { drawHearingParticipants(input: $input) { position } }\n": types.DrawHearingParticipantsDocument,
    "\n  mutation PublishHearingParticipants($input: PublishHearingParticipantsInput!) { publishHearingParticipants(input: $input) { position } }\n": types.PublishHearingParticipantsDocument,
    "\n  mutation DeliverHearingMaterials($input: DeliverHearingMaterialsInput!) { deliverHearingMaterials(input: $input) { position } }\n": types.DeliverHearingMaterialsDocument,
    "\n  mutation PublishHearingRecord($input: PublishHearingRecordInput!) { publishHearingRecord(input: $input) { position } }\n": types.PublishHearingRecordDocument,
    "\n  mutation AnswerHearingRecord($input: AnswerHearingRecordInput!) { answerHearingRecord(input: $input) { position } }\n": types.AnswerHearingRecordDocument,
    "\n  mutation RecordHearingHeld($input: RecordHearingHeldInput!) { recordHearingHeld(input: $input) { position } }\n": types.RecordHearingHeldDocument,
    "\n  mutation ConsolidateOpinion($input: ConsolidateOpinionInput!) { consolidateOpinion(input: $input) { position opinion { id } } }\n": types.ConsolidateOpinionDocument,
    "\n  mutation DecideAdoption($input: DecideAdoptionInput!) { decideAdoption(input: $input) { position } }\n": types.DecideAdoptionDocument,
    "\n  mutation PublishFeedbackReport($input: PublishFeedbackReportInput!) { publishFeedbackReport(input: $input) { position } }\n": types.PublishFeedbackReportDocument,
    "\n  mutation RecordDeliberation($input: RecordDeliberationInput!) { recordDeliberation(input: $input) { position } }\n": types.RecordDeliberationDocument,
    "\n  mutation PublishDecisionResult($input: PublishDecisionResultInput!) { publishDecisionResult(input: $input) { position } }\n": types.PublishDecisionResultDocument,
    "\n  mutation WithdrawDecision($input: WithdrawDecisionInput!) { withdrawDecision(input: $input) { position } }\n": types.WithdrawDecisionDocument,
    "\n  mutation RegisterUnit($input: RegisterUnitInput!) { registerUnit(input: $input) { position unit { id name } } }\n": types.RegisterUnitDocument,
    "\n  query AccountByUsername($username: String!) { accountByUsername(username: $username) { id displayName role } }\n": types.AccountByUsernameDocument,
    "\n  mutation GrantRole($input: GrantRoleInput!) { grantRole(input: $input) { position account { id displayName role } } }\n": types.GrantRoleDocument,
    "\n  mutation RegisterDecision($input: RegisterDecisionInput!) { registerDecision(input: $input) { position decision { id } } }\n": types.RegisterDecisionDocument,
    "\n  mutation PublishCatalogue($input: PublishCatalogueInput!) { publishCatalogue(input: $input) { position } }\n": types.PublishCatalogueDocument,
    "\n  query HearingBrief($id: ID!) {\n    hearing(id: $id) { id decisionId startsAt venue status }\n  }\n": types.HearingBriefDocument,
    "\n  query ConsultationComments($id: ID!, $first: Int, $after: String) {\n    consultation(id: $id) {\n      id\n      comments(first: $first, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges { node { id body clauseId submittedAt hidden hiddenReason opinionId } }\n      }\n    }\n  }\n": types.ConsultationCommentsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { id displayName role unit { id name } }\n  }\n"): (typeof documents)["\n  query Me {\n    me { id displayName role unit { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Units {\n    units { id name }\n  }\n"): (typeof documents)["\n  query Units {\n    units { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Catalogue($year: Int!) {\n    catalogue(year: $year) {\n      year published publishedAt confidentialCount confidentialBases\n      items { id title summary stage disclosure additionReason undertakingUnit { id name } }\n    }\n  }\n"): (typeof documents)["\n  query Catalogue($year: Int!) {\n    catalogue(year: $year) {\n      year published publishedAt confidentialCount confidentialBases\n      items { id title summary stage disclosure additionReason undertakingUnit { id name } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Decisions($filter: DecisionFilter, $first: Int, $after: String) {\n    decisions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id title summary year stage updatedAt undertakingUnit { id name } } }\n    }\n  }\n"): (typeof documents)["\n  query Decisions($filter: DecisionFilter, $first: Int, $after: String) {\n    decisions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id title summary year stage updatedAt undertakingUnit { id name } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OpenNow($first: Int) {\n    decisions(filter: { stage: CONSULTING }, first: $first) {\n      totalCount\n      edges {\n        node {\n          id title summary\n          undertakingUnit { id name }\n          consultations { id channel status closesAt commentCount }\n          hearings { id status signupClosesAt signupCount }\n          participationActivities { id participantCount }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OpenNow($first: Int) {\n    decisions(filter: { stage: CONSULTING }, first: $first) {\n      totalCount\n      edges {\n        node {\n          id title summary\n          undertakingUnit { id name }\n          consultations { id channel status closesAt commentCount }\n          hearings { id status signupClosesAt signupCount }\n          participationActivities { id participantCount }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClauseComments($id: ID!, $asOf: DateTime, $clauseIds: [ID!]) {\n    decision(id: $id, asOf: $asOf) {\n      id\n      consultations {\n        id\n        comments(first: 100, clauseIds: $clauseIds) {\n          totalCount\n          edges { node { id body draftVersion clauseNumber submittedAt hidden hiddenLater } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ClauseComments($id: ID!, $asOf: DateTime, $clauseIds: [ID!]) {\n    decision(id: $id, asOf: $asOf) {\n      id\n      consultations {\n        id\n        comments(first: 100, clauseIds: $clauseIds) {\n          totalCount\n          edges { node { id body draftVersion clauseNumber submittedAt hidden hiddenLater } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Decision($id: ID!, $asOf: DateTime, $commentsFirst: Int, $commentsAfter: String) {\n    decision(id: $id, asOf: $asOf) {\n      id title summary year stage disclosure confidentialityBasis additionReason\n      registeredAt updatedAt asOf\n      undertakingUnit { id name }\n      background { text publishedAt }\n      drafts { version text explanation changeNote publishedAt clauses { id number text lineage commentCount } }\n      currentDraft { version }\n      consultations {\n        id channel draftVersion opensAt closesAt howToSubmit shortenedReason status\n        closedAt closedEarly closeReason earliestCloseAt commentCount\n        comments(first: $commentsFirst, after: $commentsAfter) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges { cursor node { id body clauseId draftVersion clauseNumber submittedAt hidden hiddenReason opinionId } }\n        }\n      }\n      participationActivities { id kind heldAt summary participantCount }\n      participationExemption { legalBasis recordedAt }\n      hearings {\n        id status startsAt venue capacity seatsTaken signupCount waitlistCount signupClosesAt\n        selectionMethod selectionRules stakeholderGroups drawSeed\n        participants { displayName stakeholderGroup }\n        participantsPublishedAt recordSummary heldAt\n        groups { name signups seats }\n        materialsDueBy materials { materials deliveredAt }\n        record { text publishedAt confirmations awaiting objections { displayName stakeholderGroup note at } myAnswer }\n        mySignup { id status stakeholderGroup waitlistPosition submittedAt }\n      }\n      opinions {\n        id summary concentrated commentCount commentIds consolidatedAt\n        adoption { outcome rationale decidedAt }\n      }\n      feedbackReport { summary publishedAt }\n      deliberation { meetingKind heldAt summary dissent observers { name affiliation opinion adoption } }\n      result { text documentNumber effectiveAt interpretation publishedAt }\n      withdrawal { reason withdrawnAt }\n    }\n  }\n"): (typeof documents)["\n  query Decision($id: ID!, $asOf: DateTime, $commentsFirst: Int, $commentsAfter: String) {\n    decision(id: $id, asOf: $asOf) {\n      id title summary year stage disclosure confidentialityBasis additionReason\n      registeredAt updatedAt asOf\n      undertakingUnit { id name }\n      background { text publishedAt }\n      drafts { version text explanation changeNote publishedAt clauses { id number text lineage commentCount } }\n      currentDraft { version }\n      consultations {\n        id channel draftVersion opensAt closesAt howToSubmit shortenedReason status\n        closedAt closedEarly closeReason earliestCloseAt commentCount\n        comments(first: $commentsFirst, after: $commentsAfter) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges { cursor node { id body clauseId draftVersion clauseNumber submittedAt hidden hiddenReason opinionId } }\n        }\n      }\n      participationActivities { id kind heldAt summary participantCount }\n      participationExemption { legalBasis recordedAt }\n      hearings {\n        id status startsAt venue capacity seatsTaken signupCount waitlistCount signupClosesAt\n        selectionMethod selectionRules stakeholderGroups drawSeed\n        participants { displayName stakeholderGroup }\n        participantsPublishedAt recordSummary heldAt\n        groups { name signups seats }\n        materialsDueBy materials { materials deliveredAt }\n        record { text publishedAt confirmations awaiting objections { displayName stakeholderGroup note at } myAnswer }\n        mySignup { id status stakeholderGroup waitlistPosition submittedAt }\n      }\n      opinions {\n        id summary concentrated commentCount commentIds consolidatedAt\n        adoption { outcome rationale decidedAt }\n      }\n      feedbackReport { summary publishedAt }\n      deliberation { meetingKind heldAt summary dissent observers { name affiliation opinion adoption } }\n      result { text documentNumber effectiveAt interpretation publishedAt }\n      withdrawal { reason withdrawnAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query History($id: ID!, $asOf: DateTime, $first: Int, $after: String, $kinds: [String!]) {\n    decision(id: $id, asOf: $asOf) {\n      id\n      history(first: $first, after: $after, kinds: $kinds) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { position at kind summary actor subjectId } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query History($id: ID!, $asOf: DateTime, $first: Int, $after: String, $kinds: [String!]) {\n    decision(id: $id, asOf: $asOf) {\n      id\n      history(first: $first, after: $after, kinds: $kinds) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { position at kind summary actor subjectId } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DecisionHistory($decisionId: ID!) {\n    decisionHistory(decisionId: $decisionId) { position at kind summary actor subjectId }\n  }\n"): (typeof documents)["\n  subscription DecisionHistory($decisionId: ID!) {\n    decisionHistory(decisionId: $decisionId) { position at kind summary actor subjectId }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { token account { id displayName role unit { id name } } }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { token account { id displayName role unit { id name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterAccount($input: RegisterAccountInput!) {\n    registerAccount(input: $input) { token account { id displayName role unit { id name } } }\n  }\n"): (typeof documents)["\n  mutation RegisterAccount($input: RegisterAccountInput!) {\n    registerAccount(input: $input) { token account { id displayName role unit { id name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitComment($input: SubmitCommentInput!) {\n    submitComment(input: $input) { position comment { id body clauseId submittedAt } }\n  }\n"): (typeof documents)["\n  mutation SubmitComment($input: SubmitCommentInput!) {\n    submitComment(input: $input) { position comment { id body clauseId submittedAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUpForHearing($input: SignUpForHearingInput!) {\n    signUpForHearing(input: $input) { position signup { id status waitlistPosition } }\n  }\n"): (typeof documents)["\n  mutation SignUpForHearing($input: SignUpForHearingInput!) {\n    signUpForHearing(input: $input) { position signup { id status waitlistPosition } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WithdrawHearingSignup($input: WithdrawHearingSignupInput!) {\n    withdrawHearingSignup(input: $input) { position signup { id status } }\n  }\n"): (typeof documents)["\n  mutation WithdrawHearingSignup($input: WithdrawHearingSignupInput!) {\n    withdrawHearingSignup(input: $input) { position signup { id status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyParticipation {\n    me {\n      id displayName\n      comments {\n        decisionTitle\n        comment { id decisionId consultationId body clauseId submittedAt hidden hiddenReason }\n        opinion { id summary concentrated adoption { outcome rationale decidedAt } }\n      }\n      hearingSignups { id hearingId status stakeholderGroup statement submittedAt waitlistPosition }\n    }\n  }\n"): (typeof documents)["\n  query MyParticipation {\n    me {\n      id displayName\n      comments {\n        decisionTitle\n        comment { id decisionId consultationId body clauseId submittedAt hidden hiddenReason }\n        opinion { id summary concentrated adoption { outcome rationale decidedAt } }\n      }\n      hearingSignups { id hearingId status stakeholderGroup statement submittedAt waitlistPosition }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Hearing($id: ID!) {\n    hearing(id: $id) {\n      id decisionId status startsAt venue capacity seatsTaken signupClosesAt selectionMethod\n      stakeholderGroups drawSeed participantsPublishedAt\n      roster { signupId displayName stakeholderGroup statement status fullName phone submittedAt }\n    }\n  }\n"): (typeof documents)["\n  query Hearing($id: ID!) {\n    hearing(id: $id) {\n      id decisionId status startsAt venue capacity seatsTaken signupClosesAt selectionMethod\n      stakeholderGroups drawSeed participantsPublishedAt\n      roster { signupId displayName stakeholderGroup statement status fullName phone submittedAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnitDashboard($unitId: ID!) {\n    unitDashboard(unitId: $unitId) {\n      awaiting ungroupedComments\n      decision { id title stage year updatedAt }\n    }\n  }\n"): (typeof documents)["\n  query UnitDashboard($unitId: ID!) {\n    unitDashboard(unitId: $unitId) {\n      awaiting ungroupedComments\n      decision { id title stage year updatedAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishBackground($input: PublishBackgroundInput!) { publishBackground(input: $input) { position } }\n"): (typeof documents)["\n  mutation PublishBackground($input: PublishBackgroundInput!) { publishBackground(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishDraft($input: PublishDraftInput!) { publishDraft(input: $input) { position } }\n"): (typeof documents)["\n  mutation PublishDraft($input: PublishDraftInput!) { publishDraft(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OpenConsultation($input: OpenConsultationInput!) { openConsultation(input: $input) { position } }\n"): (typeof documents)["\n  mutation OpenConsultation($input: OpenConsultationInput!) { openConsultation(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CloseConsultation($input: CloseConsultationInput!) { closeConsultation(input: $input) { position } }\n"): (typeof documents)["\n  mutation CloseConsultation($input: CloseConsultationInput!) { closeConsultation(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordParticipationExemption($input: RecordParticipationExemptionInput!) {\n    recordParticipationExemption(input: $input) { position }\n  }\n"): (typeof documents)["\n  mutation RecordParticipationExemption($input: RecordParticipationExemptionInput!) {\n    recordParticipationExemption(input: $input) { position }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordParticipationActivity($input: RecordParticipationActivityInput!) {\n    recordParticipationActivity(input: $input) { position }\n  }\n"): (typeof documents)["\n  mutation RecordParticipationActivity($input: RecordParticipationActivityInput!) {\n    recordParticipationActivity(input: $input) { position }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HideComment($input: HideCommentInput!) { hideComment(input: $input) { position } }\n"): (typeof documents)["\n  mutation HideComment($input: HideCommentInput!) { hideComment(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ScheduleHearing($input: ScheduleHearingInput!) { scheduleHearing(input: $input) { position } }\n"): (typeof documents)["\n  mutation ScheduleHearing($input: ScheduleHearingInput!) { scheduleHearing(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DrawHearingParticipants($input: DrawHearingParticipantsInput!) { drawHearingParticipants(input: $input) { position } }\n"): (typeof documents)["\n  mutation DrawHearingParticipants($input: DrawHearingParticipantsInput!) { drawHearingParticipants(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishHearingParticipants($input: PublishHearingParticipantsInput!) { publishHearingParticipants(input: $input) { position } }\n"): (typeof documents)["\n  mutation PublishHearingParticipants($input: PublishHearingParticipantsInput!) { publishHearingParticipants(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeliverHearingMaterials($input: DeliverHearingMaterialsInput!) { deliverHearingMaterials(input: $input) { position } }\n"): (typeof documents)["\n  mutation DeliverHearingMaterials($input: DeliverHearingMaterialsInput!) { deliverHearingMaterials(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishHearingRecord($input: PublishHearingRecordInput!) { publishHearingRecord(input: $input) { position } }\n"): (typeof documents)["\n  mutation PublishHearingRecord($input: PublishHearingRecordInput!) { publishHearingRecord(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AnswerHearingRecord($input: AnswerHearingRecordInput!) { answerHearingRecord(input: $input) { position } }\n"): (typeof documents)["\n  mutation AnswerHearingRecord($input: AnswerHearingRecordInput!) { answerHearingRecord(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordHearingHeld($input: RecordHearingHeldInput!) { recordHearingHeld(input: $input) { position } }\n"): (typeof documents)["\n  mutation RecordHearingHeld($input: RecordHearingHeldInput!) { recordHearingHeld(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsolidateOpinion($input: ConsolidateOpinionInput!) { consolidateOpinion(input: $input) { position opinion { id } } }\n"): (typeof documents)["\n  mutation ConsolidateOpinion($input: ConsolidateOpinionInput!) { consolidateOpinion(input: $input) { position opinion { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecideAdoption($input: DecideAdoptionInput!) { decideAdoption(input: $input) { position } }\n"): (typeof documents)["\n  mutation DecideAdoption($input: DecideAdoptionInput!) { decideAdoption(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishFeedbackReport($input: PublishFeedbackReportInput!) { publishFeedbackReport(input: $input) { position } }\n"): (typeof documents)["\n  mutation PublishFeedbackReport($input: PublishFeedbackReportInput!) { publishFeedbackReport(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordDeliberation($input: RecordDeliberationInput!) { recordDeliberation(input: $input) { position } }\n"): (typeof documents)["\n  mutation RecordDeliberation($input: RecordDeliberationInput!) { recordDeliberation(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishDecisionResult($input: PublishDecisionResultInput!) { publishDecisionResult(input: $input) { position } }\n"): (typeof documents)["\n  mutation PublishDecisionResult($input: PublishDecisionResultInput!) { publishDecisionResult(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WithdrawDecision($input: WithdrawDecisionInput!) { withdrawDecision(input: $input) { position } }\n"): (typeof documents)["\n  mutation WithdrawDecision($input: WithdrawDecisionInput!) { withdrawDecision(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterUnit($input: RegisterUnitInput!) { registerUnit(input: $input) { position unit { id name } } }\n"): (typeof documents)["\n  mutation RegisterUnit($input: RegisterUnitInput!) { registerUnit(input: $input) { position unit { id name } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountByUsername($username: String!) { accountByUsername(username: $username) { id displayName role } }\n"): (typeof documents)["\n  query AccountByUsername($username: String!) { accountByUsername(username: $username) { id displayName role } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GrantRole($input: GrantRoleInput!) { grantRole(input: $input) { position account { id displayName role } } }\n"): (typeof documents)["\n  mutation GrantRole($input: GrantRoleInput!) { grantRole(input: $input) { position account { id displayName role } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterDecision($input: RegisterDecisionInput!) { registerDecision(input: $input) { position decision { id } } }\n"): (typeof documents)["\n  mutation RegisterDecision($input: RegisterDecisionInput!) { registerDecision(input: $input) { position decision { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishCatalogue($input: PublishCatalogueInput!) { publishCatalogue(input: $input) { position } }\n"): (typeof documents)["\n  mutation PublishCatalogue($input: PublishCatalogueInput!) { publishCatalogue(input: $input) { position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HearingBrief($id: ID!) {\n    hearing(id: $id) { id decisionId startsAt venue status }\n  }\n"): (typeof documents)["\n  query HearingBrief($id: ID!) {\n    hearing(id: $id) { id decisionId startsAt venue status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsultationComments($id: ID!, $first: Int, $after: String) {\n    consultation(id: $id) {\n      id\n      comments(first: $first, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges { node { id body clauseId submittedAt hidden hiddenReason opinionId } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsultationComments($id: ID!, $first: Int, $after: String) {\n    consultation(id: $id) {\n      id\n      comments(first: $first, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges { node { id body clauseId submittedAt hidden hiddenReason opinionId } }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;