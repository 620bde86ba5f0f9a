"""Motions in every state, made through the services (so each has its timeline), for the app's tests."""

from dataclasses import dataclass
from typing import Any

from motions import services
from motions.models import Motion, MotionRule


@dataclass
class MotionWorld:
    congress: Any
    author: Any
    seconders: list
    staff: Any

    def rule(self, number: int) -> MotionRule:
        return MotionRule.objects.update_or_create(congress=self.congress, defaults={"min_cosigners": number})[0]

    def draft(self, title: str = "关于制定城乡垃圾分类管理条例的议案") -> Motion:
        return services.motion_create(
            deputy=self.author.deputy,
            congress=self.congress,
            by=self.author,
            title=title,
            grounds="垃圾分类缺少地方性法规依据。",
            proposal="制定条例，明确分类标准和各方责任。",
        )

    def seconded(self, title: str = "关于制定城乡垃圾分类管理条例的议案", accept: int | None = None) -> Motion:
        motion = self.draft(title)
        services.motion_invite(motion=motion, deputies=[u.deputy for u in self.seconders], by=self.author)
        for user in self.seconders[: len(self.seconders) if accept is None else accept]:
            services.motion_cosign_respond(cosigner=motion.cosigners.get(deputy=user.deputy), by=user, accept=True)
        motion.refresh_from_db()
        return motion

    def submitted(self, title: str = "关于制定城乡垃圾分类管理条例的议案") -> Motion:
        self.rule(len(self.seconders))
        return services.motion_submit(motion=self.seconded(title), by=self.author)

    def registered(self, title: str = "关于制定城乡垃圾分类管理条例的议案") -> Motion:
        return services.motion_register(motion=self.submitted(title), by=self.staff)

    def decided(self, step: str, title: str = "关于制定城乡垃圾分类管理条例的议案") -> Motion:
        motion = self.registered(title)
        body = Motion.Body.PRESIDIUM
        if step == "list":
            return services.motion_list(motion=motion, by=self.staff, body=body, session="第十七届人大第三次会议")
        if step == "not_list":
            return services.motion_not_list(motion=motion, by=self.staff, body=body, reason="不属于本级人大职权范围。")
        return services.motion_convert(
            motion=motion, by=self.staff, body=Motion.Body.COMMITTEE, committee="法制委员会", reason="作为建议办理。"
        )
