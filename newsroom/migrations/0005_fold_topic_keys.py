"""Give every topic its folded key (newsroom.core.text.topic_key) before the
key becomes unique. Topics that only differed in case, accents or spacing
("Cuba", "Cúba") become one: the oldest keeps its name and address, the
others' articles move to it and the duplicates are deleted. The merge
cannot be undone; going back only clears the keys."""

from django.db import migrations

from newsroom.core.text import topic_key


def fold_keys(apps, schema_editor):
    Topic = apps.get_model("newsroom", "Topic")
    TaggedTopic = apps.get_model("newsroom", "TaggedTopic")
    keepers = {}
    for topic in Topic.objects.order_by("pk"):
        key = topic_key(topic.name) or f"topic-{topic.pk}"
        keeper = keepers.get(key)
        if keeper is None:
            keepers[key] = topic
            topic.key = key
            topic.save(update_fields=["key"])
            continue
        already = TaggedTopic.objects.filter(tag=keeper).values("content_object_id")
        TaggedTopic.objects.filter(tag=topic, content_object_id__in=already).delete()
        TaggedTopic.objects.filter(tag=topic).update(tag=keeper)
        topic.delete()


def clear_keys(apps, schema_editor):
    apps.get_model("newsroom", "Topic").objects.update(key=None)


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0004_history_previews_redirects_aliases")]

    operations = [migrations.RunPython(fold_keys, clear_keys)]
