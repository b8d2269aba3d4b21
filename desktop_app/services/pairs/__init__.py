"""Mentor pairs and groups, their personalised programmes, plans, monitoring and satisfaction.

The package keeps the one import the rest of the program uses (services.pairs, or
`from desktop_app.services import pairs`) and re-exports every public name of its modules:
rules (statuses, limits, PairError, the inputs, the programme period and the end rules),
groups (the person choices, check_pair and the writing of a pair), programme (one pair read
back, its plan and templates, the deficits it can target), monitoring (monitoring and
satisfaction) and lists (forms of mentorship, the list of pairs, young specialists without a
mentor, repeated directions). The modules import one another one way only:
rules ← groups ← programme, monitoring; rules ← lists.
"""

from __future__ import annotations

from desktop_app.model import MentorshipForm as MentorshipForm
from desktop_app.services.pairs.groups import (
    PersonChoice as PersonChoice,
    change_status as change_status,
    check_pair as check_pair,
    create_pair as create_pair,
    default_form_id as default_form_id,
    delete_pair as delete_pair,
    list_person_choices as list_person_choices,
    mentor_load as mentor_load,
    suggest_level as suggest_level,
    update_pair as update_pair,
    years_text as years_text,
)
from desktop_app.services.pairs.lists import (
    FormRow as FormRow,
    PairFilter as PairFilter,
    PairRow as PairRow,
    YoungRow as YoungRow,
    add_form as add_form,
    list_forms as list_forms,
    list_pairs as list_pairs,
    organisation_choices as organisation_choices,
    repeated_direction_mentees as repeated_direction_mentees,
    young_without_mentor as young_without_mentor,
)
from desktop_app.services.pairs.monitoring import (
    EXAM_KINDS as EXAM_KINDS,
    MonitoringInput as MonitoringInput,
    MonitoringRow as MonitoringRow,
    SatisfactionMeans as SatisfactionMeans,
    SatisfactionRow as SatisfactionRow,
    add_monitoring as add_monitoring,
    add_satisfaction as add_satisfaction,
    delete_monitoring as delete_monitoring,
    delete_satisfaction as delete_satisfaction,
    list_monitorings as list_monitorings,
    list_satisfactions as list_satisfactions,
    satisfaction_means as satisfaction_means,
)
from desktop_app.services.pairs.programme import (
    DeficitChoice as DeficitChoice,
    PlanItemRow as PlanItemRow,
    Progress as Progress,
    TemplateRow as TemplateRow,
    add_plan_item as add_plan_item,
    copy_plan_from_pair as copy_plan_from_pair,
    copy_plan_from_template as copy_plan_from_template,
    delete_plan_item as delete_plan_item,
    list_templates as list_templates,
    load_plan_templates as load_plan_templates,
    mentee_deficits as mentee_deficits,
    pair_input as pair_input,
    pair_people as pair_people,
    plan_items as plan_items,
    plan_progress as plan_progress,
    set_item_done as set_item_done,
    set_plan as set_plan,
    update_plan_item as update_plan_item,
)
from desktop_app.services.pairs.rules import (
    DEFAULT_MENTEE_LIMIT as DEFAULT_MENTEE_LIMIT,
    END_FIELDS as END_FIELDS,
    ENDING_SOON_DAYS as ENDING_SOON_DAYS,
    FINAL_STATUSES as FINAL_STATUSES,
    GROUP_FORM as GROUP_FORM,
    MAX_MONTHS as MAX_MONTHS,
    MIN_MONTHS as MIN_MONTHS,
    ONE_TO_ONE_FORM as ONE_TO_ONE_FORM,
    OPEN_STATUSES as OPEN_STATUSES,
    STALE_MONTHS as STALE_MONTHS,
    TRANSITIONS as TRANSITIONS,
    YOUNG_AGE as YOUNG_AGE,
    YOUNG_EXPERIENCE as YOUNG_EXPERIENCE,
    EndProblem as EndProblem,
    PairCheck as PairCheck,
    PairError as PairError,
    PairInput as PairInput,
    PlanItemInput as PlanItemInput,
    add_months as add_months,
    derive_status as derive_status,
    duration_error as duration_error,
    duration_limits as duration_limits,
    end_problems as end_problems,
)
