from django.urls import path

from gonghui.members import tree_views

app_name = "tree"
urlpatterns = [
    path("", tree_views.tree, name="root"),
    path("<str:code>/", tree_views.org_detail, name="org"),
]
