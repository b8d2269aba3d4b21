"""Registry use cases: organisations and people (add, edit, move, leave, filters on a date).

Every writing function validates first and raises Refused (Russian messages naming the fields)
before touching anything, then flushes; the caller commits (``with db.sessions.begin()``).

This module is the registry's one door: it holds no code of its own and re-exports, under the
names the forms, the import and the tests use, the use cases of the modules beside it —
organisations in registry_organisations.py, people (add, edit, move, leave, delete) in
registry_people.py, places of work and their hand corrections in registry_jobs.py, the lists
and choices on a date in registry_lists.py — with the rows and filters of people_list.py and the
form values of validation.py.
"""

from __future__ import annotations

from desktop_app.services.people_list import (
    UNDER_AGE as UNDER_AGE,
    YOUNG_SPECIALIST_YEARS as YOUNG_SPECIALIST_YEARS,
    Fetch as Fetch,
    OrganisationRow as OrganisationRow,
    PersonFilter as PersonFilter,
    PersonRow as PersonRow,
    matches as matches,
    organisation_rows as organisation_rows,
    people_rows as people_rows,
)
from desktop_app.services.registry_jobs import (
    CURRENT_JOB_STAYS as CURRENT_JOB_STAYS,
    JOB_LABELS as JOB_LABELS,
    LEAVE_HINT as LEAVE_HINT,
    MOVE_HINT as MOVE_HINT,
    JobInput as JobInput,
    JobRow as JobRow,
    add_job as add_job,
    delete_job as delete_job,
    get_job_input as get_job_input,
    job_error as job_error,
    job_history as job_history,
    update_job as update_job,
)
from desktop_app.services.registry_lists import (
    COURSE_YEARS as COURSE_YEARS,
    CourseRow as CourseRow,
    find_people as find_people,
    list_organisations as list_organisations,
    list_people as list_people,
    member_ids as member_ids,
    organisation_choices as organisation_choices,
    people_choices as people_choices,
    positions as positions,
    recent_courses as recent_courses,
    session_fetch as session_fetch,
)
from desktop_app.services.registry_organisations import (
    ORG_FIELDS as ORG_FIELDS,
    add_organisation as add_organisation,
    apply_organisation_input as apply_organisation_input,
    deactivate_organisation as deactivate_organisation,
    delete_organisation as delete_organisation,
    get_organisation_input as get_organisation_input,
    organisation_references as organisation_references,
    organisation_to_input as organisation_to_input,
    plural as plural,
    reactivate_organisation as reactivate_organisation,
    update_organisation as update_organisation,
)
from desktop_app.services.registry_people import (
    COURSE_FIELDS as COURSE_FIELDS,
    PERSON_FIELDS as PERSON_FIELDS,
    add_person as add_person,
    apply_person_input as apply_person_input,
    delete_person as delete_person,
    dismiss_person as dismiss_person,
    find_duplicate as find_duplicate,
    get_person_input as get_person_input,
    move_person as move_person,
    person_references as person_references,
    person_search_key as person_search_key,
    person_to_input as person_to_input,
    restore_person as restore_person,
    update_person as update_person,
)
from desktop_app.services.validation import (
    CourseInput as CourseInput,
    FieldError as FieldError,
    OrganisationInput as OrganisationInput,
    PersonInput as PersonInput,
    Refused as Refused,
)
from desktop_app.textutil import years_between as years_between  # the registry's rule of years
