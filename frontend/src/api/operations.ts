// Every GraphQL operation the web UI sends. `npm run codegen` turns these into typed
// documents in src/gql/ (checked for staleness in CI).
import { graphql } from '../gql'

export const MeQuery = graphql(`
  query Me {
    me { id displayName role unit { id name } }
  }
`)

export const UnitsQuery = graphql(`
  query Units {
    units { id name }
  }
`)

export const CatalogueQuery = graphql(`
  query Catalogue($year: Int!) {
    catalogue(year: $year) {
      year published publishedAt confidentialCount confidentialBases
      items { id title summary stage disclosure additionReason undertakingUnit { id name } }
    }
  }
`)

export const DecisionsQuery = graphql(`
  query Decisions($filter: DecisionFilter, $first: Int, $after: String) {
    decisions(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id title summary year stage updatedAt undertakingUnit { id name } } }
    }
  }
`)

/** What the landing page lists as open now: decisions being consulted, with their consultations' deadlines and counts. */
export const OpenNowQuery = graphql(`
  query OpenNow($first: Int) {
    decisions(filter: { stage: CONSULTING }, first: $first) {
      totalCount
      edges {
        node {
          id title summary
          undertakingUnit { id name }
          consultations { id channel status closesAt commentCount }
          hearings { id status signupClosesAt signupCount }
          participationActivities { id participantCount }
        }
      }
    }
  }
`)

/** The comments on one clause and the clauses it continues, over the decision's consultations. */
export const ClauseCommentsQuery = graphql(`
  query ClauseComments($id: ID!, $asOf: DateTime, $clauseIds: [ID!]) {
    decision(id: $id, asOf: $asOf) {
      id
      consultations {
        id
        comments(first: 100, clauseIds: $clauseIds) {
          totalCount
          edges { node { id body draftVersion clauseNumber submittedAt hidden hiddenLater } }
        }
      }
    }
  }
`)

export const DecisionQuery = graphql(`
  query Decision($id: ID!, $asOf: DateTime, $commentsFirst: Int, $commentsAfter: String) {
    decision(id: $id, asOf: $asOf) {
      id title summary year stage disclosure confidentialityBasis additionReason
      registeredAt updatedAt asOf
      undertakingUnit { id name }
      background { text publishedAt }
      drafts { version text explanation changeNote publishedAt clauses { id number text lineage commentCount } }
      currentDraft { version }
      consultations {
        id channel draftVersion opensAt closesAt howToSubmit shortenedReason status
        closedAt closedEarly closeReason earliestCloseAt commentCount
        comments(first: $commentsFirst, after: $commentsAfter) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { cursor node { id body clauseId draftVersion clauseNumber submittedAt hidden hiddenReason opinionId } }
        }
      }
      participationActivities { id kind heldAt summary participantCount }
      participationExemption { legalBasis recordedAt }
      hearings {
        id status startsAt venue capacity seatsTaken signupCount waitlistCount signupClosesAt
        selectionMethod selectionRules stakeholderGroups drawSeed
        participants { displayName stakeholderGroup }
        participantsPublishedAt recordSummary heldAt
        groups { name signups seats }
        materialsDueBy materials { materials deliveredAt }
        record { text publishedAt confirmations awaiting objections { displayName stakeholderGroup note at } myAnswer }
        mySignup { id status stakeholderGroup waitlistPosition submittedAt }
      }
      opinions {
        id summary concentrated commentCount commentIds consolidatedAt
        adoption { outcome rationale decidedAt }
      }
      feedbackReport { summary publishedAt }
      deliberation { meetingKind heldAt summary dissent observers { name affiliation opinion adoption } }
      result { text documentNumber effectiveAt interpretation publishedAt }
      withdrawal { reason withdrawnAt }
    }
  }
`)

export const HistoryQuery = graphql(`
  query History($id: ID!, $asOf: DateTime, $first: Int, $after: String, $kinds: [String!]) {
    decision(id: $id, asOf: $asOf) {
      id
      history(first: $first, after: $after, kinds: $kinds) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { position at kind summary actor subjectId } }
      }
    }
  }
`)

export const HistorySubscription = graphql(`
  subscription DecisionHistory($decisionId: ID!) {
    decisionHistory(decisionId: $decisionId) { position at kind summary actor subjectId }
  }
`)

export const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) { token account { id displayName role unit { id name } } }
  }
`)

export const RegisterMutation = graphql(`
  mutation RegisterAccount($input: RegisterAccountInput!) {
    registerAccount(input: $input) { token account { id displayName role unit { id name } } }
  }
`)

export const SubmitCommentMutation = graphql(`
  mutation SubmitComment($input: SubmitCommentInput!) {
    submitComment(input: $input) { position comment { id body clauseId submittedAt } }
  }
`)

export const SignUpMutation = graphql(`
  mutation SignUpForHearing($input: SignUpForHearingInput!) {
    signUpForHearing(input: $input) { position signup { id status waitlistPosition } }
  }
`)

export const WithdrawSignupMutation = graphql(`
  mutation WithdrawHearingSignup($input: WithdrawHearingSignupInput!) {
    withdrawHearingSignup(input: $input) { position signup { id status } }
  }
`)

export const MyParticipationQuery = graphql(`
  query MyParticipation {
    me {
      id displayName
      comments {
        decisionTitle
        comment { id decisionId consultationId body clauseId submittedAt hidden hiddenReason }
        opinion { id summary concentrated adoption { outcome rationale decidedAt } }
      }
      hearingSignups { id hearingId status stakeholderGroup statement submittedAt waitlistPosition }
    }
  }
`)

export const HearingQuery = graphql(`
  query Hearing($id: ID!) {
    hearing(id: $id) {
      id decisionId status startsAt venue capacity seatsTaken signupClosesAt selectionMethod
      stakeholderGroups drawSeed participantsPublishedAt
      roster { signupId displayName stakeholderGroup statement status fullName phone submittedAt }
    }
  }
`)

export const DashboardQuery = graphql(`
  query UnitDashboard($unitId: ID!) {
    unitDashboard(unitId: $unitId) {
      awaiting ungroupedComments
      decision { id title stage year updatedAt }
    }
  }
`)

export const PublishBackgroundMutation = graphql(`
  mutation PublishBackground($input: PublishBackgroundInput!) { publishBackground(input: $input) { position } }
`)
export const PublishDraftMutation = graphql(`
  mutation PublishDraft($input: PublishDraftInput!) { publishDraft(input: $input) { position } }
`)
export const OpenConsultationMutation = graphql(`
  mutation OpenConsultation($input: OpenConsultationInput!) { openConsultation(input: $input) { position } }
`)
export const CloseConsultationMutation = graphql(`
  mutation CloseConsultation($input: CloseConsultationInput!) { closeConsultation(input: $input) { position } }
`)
export const RecordExemptionMutation = graphql(`
  mutation RecordParticipationExemption($input: RecordParticipationExemptionInput!) {
    recordParticipationExemption(input: $input) { position }
  }
`)
export const RecordActivityMutation = graphql(`
  mutation RecordParticipationActivity($input: RecordParticipationActivityInput!) {
    recordParticipationActivity(input: $input) { position }
  }
`)
export const HideCommentMutation = graphql(`
  mutation HideComment($input: HideCommentInput!) { hideComment(input: $input) { position } }
`)
export const ScheduleHearingMutation = graphql(`
  mutation ScheduleHearing($input: ScheduleHearingInput!) { scheduleHearing(input: $input) { position } }
`)
export const DrawMutation = graphql(`
  mutation DrawHearingParticipants($input: DrawHearingParticipantsInput!) { drawHearingParticipants(input: $input) { position } }
`)
export const PublishParticipantsMutation = graphql(`
  mutation PublishHearingParticipants($input: PublishHearingParticipantsInput!) { publishHearingParticipants(input: $input) { position } }
`)
export const DeliverHearingMaterialsMutation = graphql(`
  mutation DeliverHearingMaterials($input: DeliverHearingMaterialsInput!) { deliverHearingMaterials(input: $input) { position } }
`)
export const PublishHearingRecordMutation = graphql(`
  mutation PublishHearingRecord($input: PublishHearingRecordInput!) { publishHearingRecord(input: $input) { position } }
`)
export const AnswerHearingRecordMutation = graphql(`
  mutation AnswerHearingRecord($input: AnswerHearingRecordInput!) { answerHearingRecord(input: $input) { position } }
`)
export const RecordHearingHeldMutation = graphql(`
  mutation RecordHearingHeld($input: RecordHearingHeldInput!) { recordHearingHeld(input: $input) { position } }
`)
export const ConsolidateOpinionMutation = graphql(`
  mutation ConsolidateOpinion($input: ConsolidateOpinionInput!) { consolidateOpinion(input: $input) { position opinion { id } } }
`)
export const DecideAdoptionMutation = graphql(`
  mutation DecideAdoption($input: DecideAdoptionInput!) { decideAdoption(input: $input) { position } }
`)
export const PublishFeedbackMutation = graphql(`
  mutation PublishFeedbackReport($input: PublishFeedbackReportInput!) { publishFeedbackReport(input: $input) { position } }
`)
export const RecordDeliberationMutation = graphql(`
  mutation RecordDeliberation($input: RecordDeliberationInput!) { recordDeliberation(input: $input) { position } }
`)
export const PublishResultMutation = graphql(`
  mutation PublishDecisionResult($input: PublishDecisionResultInput!) { publishDecisionResult(input: $input) { position } }
`)
export const WithdrawDecisionMutation = graphql(`
  mutation WithdrawDecision($input: WithdrawDecisionInput!) { withdrawDecision(input: $input) { position } }
`)
export const RegisterUnitMutation = graphql(`
  mutation RegisterUnit($input: RegisterUnitInput!) { registerUnit(input: $input) { position unit { id name } } }
`)
export const AccountByUsernameQuery = graphql(`
  query AccountByUsername($username: String!) { accountByUsername(username: $username) { id displayName role } }
`)
export const GrantRoleMutation = graphql(`
  mutation GrantRole($input: GrantRoleInput!) { grantRole(input: $input) { position account { id displayName role } } }
`)
export const RegisterDecisionMutation = graphql(`
  mutation RegisterDecision($input: RegisterDecisionInput!) { registerDecision(input: $input) { position decision { id } } }
`)
export const PublishCatalogueMutation = graphql(`
  mutation PublishCatalogue($input: PublishCatalogueInput!) { publishCatalogue(input: $input) { position } }
`)

export const HearingBriefQuery = graphql(`
  query HearingBrief($id: ID!) {
    hearing(id: $id) { id decisionId startsAt venue status }
  }
`)

export const ConsultationCommentsQuery = graphql(`
  query ConsultationComments($id: ID!, $first: Int, $after: String) {
    consultation(id: $id) {
      id
      comments(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { id body clauseId submittedAt hidden hiddenReason opinionId } }
      }
    }
  }
`)
