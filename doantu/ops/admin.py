"""The task worker's results in the admin (django-tasks-db's own admin), with its one untranslatable column named
in Vietnamese: ``task_name`` is a property, so its header would be the English "Task name". The other words come
from the locale (doantu/locale/vi)."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = tuple("task" if f == "task_name" else f for f in DBTaskResultAdmin.list_display)

    @admin.display(description="Tác vụ")
    def task(self, obj):
        return obj.task_name


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
